// EventRules: the EventBridge subset Mortar serves (AWSEvents.*) on the
// default event bus -- rules with event patterns (event_pattern.h), their
// targets, and PutEvents -- and the router every event goes through: an
// event (put by a client or emitted by a watched source, event_sources.h) is
// matched against the account's enabled rules, and each matching rule's
// targets get it. The only targets are Glue workflows
// (arn:aws:glue:<region>:<account>:workflow/<name>), which `deliver` hands
// to their EVENT trigger (schedule/event_trigger_batcher.h).
//
// Rules and targets live in the Store (rule_rows.h), so every server of a
// shared store routes with the same rules. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "events/event_pattern.h"
#include "events/rule_rows.h"
#include "store/store.h"

namespace mortar::events {

using DeliverFn = std::function<void(const std::string& account, const std::string& workflow,
                                     const nlohmann::json& event)>;

struct EventRulesOptions {
  const Clock* clock = &Clock::real();
  std::string region = "us-east-1";  // in rule ARNs and events
  DeliverFn deliver;                 // unset: matched events go nowhere
  // Called after a rule is put, deleted, enabled or disabled through this
  // server (the event sources re-read the rules at once); may be unset.
  std::function<void()> on_rules_changed;
  // Sees every routed event (put or watched), rule or no rule, before the
  // rules do: the crawlers in CRAWL_EVENT_MODE read "Object Created" here;
  // may be unset.
  std::function<void(const std::string& account, const nlohmann::json& event)> observe;
};

struct EventRulesStats {
  int64_t events = 0;      // events routed (put or watched)
  int64_t matched = 0;     // events that matched at least one rule
  int64_t deliveries = 0;  // (event, workflow target) pairs delivered
};

class EventRules {
 public:
  static Status migrate(store::Store& store);
  // `store` (migrated) must outlive the rules.
  EventRules(store::Store& store, EventRulesOptions options);

  // --- The API (inputs are EventBridge requests, already model-checked) ----
  // PutRule: creates or replaces the rule (its targets stay). Returns the ARN.
  StatusOr<std::string> put_rule(const std::string& account, const nlohmann::json& request);
  // DescribeRule's response; ResourceNotFoundException when absent.
  StatusOr<nlohmann::json> describe_rule(const std::string& account, const std::string& name);
  // Rule objects (ListRules' shape) named after `after`.
  StatusOr<std::vector<nlohmann::json>> list_rules(const std::string& account,
                                                   const std::string& prefix,
                                                   const std::string& after, int limit);
  // No error when absent; ValidationException while it has targets.
  Status delete_rule(const std::string& account, const std::string& name);
  Status set_rule_state(const std::string& account, const std::string& name, bool enabled);
  // PutTargets' response ({"FailedEntryCount", "FailedEntries"}).
  StatusOr<nlohmann::json> put_targets(const std::string& account, const std::string& rule,
                                       const nlohmann::json& targets);
  StatusOr<nlohmann::json> remove_targets(const std::string& account, const std::string& rule,
                                          const std::vector<std::string>& ids);
  StatusOr<std::vector<nlohmann::json>> list_targets(const std::string& account,
                                                     const std::string& rule,
                                                     const std::string& after, int limit);
  // PutEvents' response: one result per entry, in order, with EventId or
  // ErrorCode/ErrorMessage; each accepted entry is routed.
  nlohmann::json put_events(const std::string& account, const nlohmann::json& entries);

  // --- Routing ---------------------------------------------------------------
  // Matches `event` (an envelope, see make_event) against the account's
  // enabled rules and delivers it to their workflow targets. Returns the
  // number of deliveries.
  StatusOr<int> route(const std::string& account, const nlohmann::json& event);
  // Every enabled rule with its parsed pattern (all accounts): what the event
  // sources watch.
  StatusOr<std::vector<std::pair<RuleRow, EventPattern>>> enabled_rules();

  // EventBridge's envelope around `detail`.
  nlohmann::json make_event(const std::string& account, const std::string& source,
                            const std::string& detail_type, nlohmann::json detail,
                            nlohmann::json resources = nlohmann::json::array(),
                            int64_t time_seconds = -1) const;
  std::string rule_arn(const std::string& account, const std::string& name) const;
  // ResourceNotFoundException unless the request's EventBusName (if any) is
  // the default bus, the only one Mortar has.
  static Status check_event_bus(const nlohmann::json& request);
  // The workflow an ARN names when it is one of `account`'s; "" otherwise.
  static std::string workflow_of_arn(const std::string& arn, const std::string& account);
  EventRulesStats stats() const;

 private:
  nlohmann::json rule_json(const RuleRow& row) const;
  void changed() const;

  store::Store& store_;
  const EventRulesOptions options_;
  std::atomic<int64_t> events_{0};
  std::atomic<int64_t> matched_{0};
  std::atomic<int64_t> deliveries_{0};
};

}  // namespace mortar::events
