// Glue's rules for a trigger definition (CreateTrigger, UpdateTrigger),
// checked before anything is stored. Errors are InvalidArgument
// (InvalidInputException) and say which member was wrong and where
// ("Actions[2]: ...", "Predicate.Conditions[1]: ...").
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace mortar::schedule {

struct TriggerRules {
  // Glue's 5-minute minimum between schedule fires (lifted for tests).
  bool enforce_min_schedule_interval = true;
};

// The Trigger object a CreateTrigger request describes (Name, WorkflowName,
// Type, Description, Schedule, Actions, Predicate, EventBatchingCondition;
// defaults filled: Predicate.Logical AND for one condition, LogicalOperator
// EQUALS, BatchWindow 900), or why the request is invalid. StartOnCreation
// and Tags are checked here but not part of the result.
StatusOr<nlohmann::json> trigger_from_create_request(const nlohmann::json& request,
                                                     const TriggerRules& rules);

// `trigger` (a stored Trigger) with UpdateTrigger's `update` applied, or why
// the result is invalid.
StatusOr<nlohmann::json> apply_trigger_update(const nlohmann::json& trigger,
                                              const nlohmann::json& update,
                                              const TriggerRules& rules);

}  // namespace mortar::schedule
