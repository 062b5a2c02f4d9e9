// The Store rows behind EventBridge rules (free functions over a
// Transaction, as schedule/trigger_rows.h does for triggers):
//   event_rules     one row per (account, rule): pattern, state, description
//   event_targets   one row per (account, rule, target id): ARN and the
//                   Target JSON as given
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::events {

Status migrate_rule_rows(store::Store& store);

struct RuleRow {
  std::string account;
  std::string name;
  std::string event_pattern;
  std::string state;  // ENABLED | DISABLED | ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
  std::string description;
  std::string role_arn;
  int64_t created_micros = 0;
};

struct TargetRow {
  std::string id;
  std::string arn;
  nlohmann::json body;  // the Target object
};

StatusOr<std::optional<RuleRow>> load_rule(store::Transaction& tx, const std::string& account,
                                           const std::string& name);
// Inserts or replaces the rule (targets are kept).
Status upsert_rule(store::Transaction& tx, const RuleRow& row);
// Removes the rule and its targets; false when absent.
StatusOr<bool> delete_rule_row(store::Transaction& tx, const std::string& account,
                               const std::string& name);
// The account's rules whose names start with `prefix`, named after `after`,
// by name, at most `limit`.
StatusOr<std::vector<RuleRow>> list_rule_rows(store::Transaction& tx, const std::string& account,
                                              const std::string& prefix, const std::string& after,
                                              int limit);
// Rules not DISABLED, across all accounts ("") or one.
StatusOr<std::vector<RuleRow>> enabled_rule_rows(store::Transaction& tx,
                                                 const std::string& account);

// Inserts or replaces the target `t.id` of the rule.
Status upsert_target(store::Transaction& tx, const std::string& account, const std::string& rule,
                     const TargetRow& t);
// False when the rule has no target `id`.
StatusOr<bool> delete_target(store::Transaction& tx, const std::string& account,
                             const std::string& rule, const std::string& id);
// By id, after `after`, at most `limit` (all when limit <= 0).
StatusOr<std::vector<TargetRow>> list_target_rows(store::Transaction& tx,
                                                  const std::string& account,
                                                  const std::string& rule,
                                                  const std::string& after = "", int limit = 0);

}  // namespace mortar::events
