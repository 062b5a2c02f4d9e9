// The EventBridge operations (AWSEvents.*) over events::EventRules: PutRule,
// DescribeRule, ListRules, DeleteRule, EnableRule, DisableRule, PutTargets,
// RemoveTargets, ListTargetsByRule, PutEvents. Register them into the
// registry of api::events_service(). Paging tokens come from `codec`.
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "events/event_rules.h"

namespace mortar::api {

// `rules` and `codec` must outlive the registry.
void register_events_operations(OperationRegistry& ops, events::EventRules& rules,
                                const NextTokenCodec& codec);

}  // namespace mortar::api
