// Registers Glue's trigger operations on the api registry: CreateTrigger,
// GetTrigger, GetTriggers, BatchGetTriggers, ListTriggers, UpdateTrigger,
// DeleteTrigger, StartTrigger, StopTrigger, and TagResource/UntagResource/
// GetTags on trigger ARNs (a "trigger" tagger on the registry's TagRouter).
// Thin handlers over schedule::TriggerService.
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "schedule/trigger_service.h"

namespace mortar::api {

// `service` and `codec` must outlive the registry's handlers.
void register_trigger_operations(OperationRegistry& registry, schedule::TriggerService& service,
                                 const NextTokenCodec& codec);

}  // namespace mortar::api
