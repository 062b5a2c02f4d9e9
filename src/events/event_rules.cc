#include "events/event_rules.h"

#include <set>

#include "common/crypto.h"
#include "common/utc_time.h"

namespace mortar::events {

using Json = nlohmann::json;

namespace {

// EventBridge's quota: five targets per rule.
constexpr size_t kMaxTargetsPerRule = 5;
// PutEvents: an entry may be at most 256 KB.
constexpr size_t kMaxEntryBytes = 256 * 1024;

Status validation(const std::string& message) { return invalid_input(message); }

Status no_rule(const std::string& name) {
  return not_found("Rule " + name + " does not exist on EventBus default.");
}

}  // namespace

Status EventRules::check_event_bus(const Json& request) {
  auto it = request.find("EventBusName");
  if (it == request.end() || !it->is_string()) return ok_status();
  const std::string& bus = it->get_ref<const std::string&>();
  if (bus == "default" || bus.ends_with(":event-bus/default")) return ok_status();
  return not_found("Event bus " + bus + " does not exist (Mortar has only the default bus).");
}

namespace {

std::string str(const Json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json entry_error(const std::string& code, const std::string& message) {
  return Json{{"ErrorCode", code}, {"ErrorMessage", message}};
}

}  // namespace

Status EventRules::migrate(store::Store& store) { return migrate_rule_rows(store); }

EventRules::EventRules(store::Store& store, EventRulesOptions options)
    : store_(store), options_(std::move(options)) {}

std::string EventRules::rule_arn(const std::string& account, const std::string& name) const {
  return "arn:aws:events:" + options_.region + ":" + account + ":rule/" + name;
}

std::string EventRules::workflow_of_arn(const std::string& arn, const std::string& account) {
  // arn:aws:glue:<region>:<account>:workflow/<name>
  const std::string prefix = "arn:aws:glue:";
  if (!arn.starts_with(prefix)) return "";
  const size_t region_end = arn.find(':', prefix.size());
  if (region_end == std::string::npos) return "";
  const size_t account_end = arn.find(':', region_end + 1);
  if (account_end == std::string::npos) return "";
  if (arn.substr(region_end + 1, account_end - region_end - 1) != account) return "";
  const std::string rest = arn.substr(account_end + 1);
  if (!rest.starts_with("workflow/") || rest.size() == 9) return "";
  return rest.substr(9);
}

Json EventRules::rule_json(const RuleRow& row) const {
  Json out = {{"Name", row.name},
              {"Arn", rule_arn(row.account, row.name)},
              {"EventPattern", row.event_pattern},
              {"State", row.state},
              {"EventBusName", "default"}};
  if (!row.description.empty()) out["Description"] = row.description;
  if (!row.role_arn.empty()) out["RoleArn"] = row.role_arn;
  return out;
}

StatusOr<std::string> EventRules::put_rule(const std::string& account, const Json& request) {
  MORTAR_RETURN_IF_ERROR(check_event_bus(request));
  const std::string name = str(request, "Name");
  if (request.contains("ScheduleExpression")) {
    return validation(
        "ScheduleExpression is not supported by Mortar; use a Glue SCHEDULED trigger instead.");
  }
  if (request.contains("Tags")) return validation("Tags are not supported by Mortar's rules.");
  if (!request.contains("EventPattern")) {
    return validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  RuleRow row;
  row.account = account;
  row.name = name;
  row.event_pattern = str(request, "EventPattern");
  MORTAR_RETURN_IF_ERROR(EventPattern::parse(row.event_pattern).status());
  row.state = request.contains("State") ? str(request, "State") : "ENABLED";
  row.description = str(request, "Description");
  row.role_arn = str(request, "RoleArn");
  row.created_micros = options_.clock->now_micros();
  MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return upsert_rule(tx, row); }));
  changed();
  return rule_arn(account, name);
}

StatusOr<Json> EventRules::describe_rule(const std::string& account, const std::string& name) {
  std::optional<RuleRow> row;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) {
    MORTAR_ASSIGN_OR_RETURN(row, load_rule(tx, account, name));
    return ok_status();
  }));
  if (!row) return no_rule(name);
  Json out = rule_json(*row);
  out["CreatedBy"] = account;
  return out;
}

StatusOr<std::vector<Json>> EventRules::list_rules(const std::string& account,
                                                   const std::string& prefix,
                                                   const std::string& after, int limit) {
  std::vector<RuleRow> rows;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) {
    MORTAR_ASSIGN_OR_RETURN(rows, list_rule_rows(tx, account, prefix, after, limit));
    return ok_status();
  }));
  std::vector<Json> out;
  for (const RuleRow& r : rows) out.push_back(rule_json(r));
  return out;
}

Status EventRules::delete_rule(const std::string& account, const std::string& name) {
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto targets, list_target_rows(tx, account, name, "", 1));
        if (!targets.empty()) return validation("Rule can't be deleted since it has targets.");
        return delete_rule_row(tx, account, name).status();
      }));
  changed();
  return ok_status();
}

Status EventRules::set_rule_state(const std::string& account, const std::string& name,
                                  bool enabled) {
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto row, load_rule(tx, account, name));
        if (!row) return no_rule(name);
        row->state = enabled ? "ENABLED" : "DISABLED";
        return upsert_rule(tx, *row);
      }));
  changed();
  return ok_status();
}

void EventRules::changed() const {
  if (options_.on_rules_changed) options_.on_rules_changed();
}

StatusOr<Json> EventRules::put_targets(const std::string& account, const std::string& rule,
                                       const Json& targets) {
  std::vector<TargetRow> rows;
  std::set<std::string> ids;
  for (const Json& t : targets) {
    TargetRow row{str(t, "Id"), str(t, "Arn"), t};
    if (!ids.insert(row.id).second) {
      return validation("Target Id " + row.id + " appears more than once in Targets.");
    }
    if (workflow_of_arn(row.arn, account).empty()) {
      return validation("Target " + row.id + ": Arn " + row.arn.substr(0, 200) +
                        " is not supported. Mortar delivers events only to AWS Glue workflows "
                        "of the caller's account (arn:aws:glue:<region>:" +
                        account + ":workflow/<name>).");
    }
    for (auto it = t.begin(); it != t.end(); ++it) {
      if (it.key() != "Id" && it.key() != "Arn" && it.key() != "RoleArn") {
        return validation("Target " + row.id + ": " + it.key() +
                          " is not supported by Mortar (a Glue workflow target takes Id, Arn "
                          "and RoleArn).");
      }
    }
    rows.push_back(std::move(row));
  }
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto r, load_rule(tx, account, rule));
        if (!r) return no_rule(rule);
        for (const TargetRow& t : rows) MORTAR_RETURN_IF_ERROR(upsert_target(tx, account, rule, t));
        MORTAR_ASSIGN_OR_RETURN(auto all, list_target_rows(tx, account, rule));
        if (all.size() > kMaxTargetsPerRule) {
          return limit_exceeded(
              "The requested resource exceeds the maximum number allowed: a rule "
              "has at most 5 targets.");
        }
        return ok_status();
      }));
  return Json{{"FailedEntryCount", 0}, {"FailedEntries", Json::array()}};
}

StatusOr<Json> EventRules::remove_targets(const std::string& account, const std::string& rule,
                                          const std::vector<std::string>& ids) {
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto r, load_rule(tx, account, rule));
        if (!r) return no_rule(rule);
        for (const std::string& id : ids) {
          MORTAR_RETURN_IF_ERROR(delete_target(tx, account, rule, id).status());
        }
        return ok_status();
      }));
  return Json{{"FailedEntryCount", 0}, {"FailedEntries", Json::array()}};
}

StatusOr<std::vector<Json>> EventRules::list_targets(const std::string& account,
                                                     const std::string& rule,
                                                     const std::string& after, int limit) {
  std::vector<TargetRow> rows;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto r, load_rule(tx, account, rule));
        if (!r) return no_rule(rule);
        MORTAR_ASSIGN_OR_RETURN(rows, list_target_rows(tx, account, rule, after, limit));
        return ok_status();
      }));
  std::vector<Json> out;
  for (TargetRow& t : rows) out.push_back(std::move(t.body));
  return out;
}

Json EventRules::make_event(const std::string& account, const std::string& source,
                            const std::string& detail_type, Json detail, Json resources,
                            int64_t time_seconds) const {
  Json e = Json::object();
  e["version"] = "0";
  e["id"] = new_uuid();
  e["detail-type"] = detail_type;
  e["source"] = source;
  e["account"] = account;
  e["time"] = utc_timestamp(time_seconds >= 0 ? time_seconds : options_.clock->now_seconds());
  e["region"] = options_.region;
  e["resources"] = std::move(resources);
  e["detail"] = std::move(detail);
  return e;
}

Json EventRules::put_events(const std::string& account, const Json& entries) {
  Json results = Json::array();
  int failed = 0;
  for (const Json& entry : entries) {
    auto fail = [&](const std::string& code, const std::string& message) {
      results.push_back(entry_error(code, message));
      ++failed;
    };
    const std::string source = str(entry, "Source");
    const std::string detail_type = str(entry, "DetailType");
    if (check_event_bus(entry).ok() == false) {
      fail("ResourceNotFoundException",
           "Event bus " + str(entry, "EventBusName") + " does not exist.");
    } else if (source.empty()) {
      fail("InvalidArgument",
           "Parameter Source is not valid. Reason: Source is a required argument.");
    } else if (source.starts_with("aws.")) {
      fail("NotAuthorizedForSourceException", "Not authorized for the source.");
    } else if (detail_type.empty()) {
      fail("InvalidArgument",
           "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
    } else if (!entry.contains("Detail")) {
      fail("InvalidArgument",
           "Parameter Detail is not valid. Reason: Detail is a required argument.");
    } else if (str(entry, "Detail").size() + source.size() + detail_type.size() > kMaxEntryBytes) {
      fail("InvalidArgument", "Total size of the entry is over the limit of 256 KB.");
    } else {
      Json detail = Json::parse(str(entry, "Detail"), nullptr, /*allow_exceptions=*/false);
      if (detail.is_discarded() || !detail.is_object()) {
        fail("MalformedDetail", "Detail is malformed.");
        continue;
      }
      Json resources = Json::array();
      if (auto it = entry.find("Resources"); it != entry.end() && it->is_array()) resources = *it;
      int64_t time = -1;
      if (auto it = entry.find("Time"); it != entry.end() && it->is_number()) {
        time = it->get<int64_t>();
      }
      Json event =
          make_event(account, source, detail_type, std::move(detail), std::move(resources), time);
      const std::string id = event["id"];
      StatusOr<int> routed = route(account, event);
      if (!routed.ok()) {
        fail("InternalFailure", std::string(status_message(routed.status())));
        continue;
      }
      results.push_back(Json{{"EventId", id}});
    }
  }
  return Json{{"FailedEntryCount", failed}, {"Entries", std::move(results)}};
}

StatusOr<std::vector<std::pair<RuleRow, EventPattern>>> EventRules::enabled_rules() {
  std::vector<RuleRow> rows;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) {
    MORTAR_ASSIGN_OR_RETURN(rows, enabled_rule_rows(tx, ""));
    return ok_status();
  }));
  std::vector<std::pair<RuleRow, EventPattern>> out;
  for (RuleRow& r : rows) {
    auto pattern = EventPattern::parse(r.event_pattern);
    if (pattern.ok()) out.emplace_back(std::move(r), std::move(*pattern));
  }
  return out;
}

StatusOr<int> EventRules::route(const std::string& account, const Json& event) {
  ++events_;
  if (options_.observe) options_.observe(account, event);
  std::vector<std::string> workflows;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        workflows.clear();
        MORTAR_ASSIGN_OR_RETURN(auto rules, enabled_rule_rows(tx, account));
        for (const RuleRow& r : rules) {
          auto pattern = EventPattern::parse(r.event_pattern);
          if (!pattern.ok() || !pattern->matches(event)) continue;
          MORTAR_ASSIGN_OR_RETURN(auto targets, list_target_rows(tx, account, r.name));
          for (const TargetRow& t : targets) {
            std::string workflow = workflow_of_arn(t.arn, account);
            if (!workflow.empty()) workflows.push_back(std::move(workflow));
          }
        }
        return ok_status();
      }));
  if (!workflows.empty()) ++matched_;
  for (const std::string& w : workflows) {
    if (options_.deliver) options_.deliver(account, w, event);
    ++deliveries_;
  }
  return static_cast<int>(workflows.size());
}

EventRulesStats EventRules::stats() const {
  return EventRulesStats{events_.load(), matched_.load(), deliveries_.load()};
}

}  // namespace mortar::events
