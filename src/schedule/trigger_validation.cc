#include "schedule/trigger_validation.h"

#include <set>
#include <string>

#include "catalog/tag_rules.h"
#include "schedule/glue_schedule.h"

namespace mortar::schedule {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxDescription = 2048;

std::string where(const char* list, size_t i) {
  return std::string(list) + "[" + std::to_string(i + 1) + "]";
}

bool has_string(const Json& j, const char* member) {
  auto it = j.find(member);
  return it != j.end() && it->is_string() && !it->get<std::string>().empty();
}

Status check_name(const Json& j, const char* member, const std::string& at) {
  auto it = j.find(member);
  if (it == j.end()) return ok_status();
  if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 255)
    return invalid_input(at + member + " must be a string of 1 to 255 characters");
  return ok_status();
}

Status check_action(Json& action, size_t i) {
  const std::string at = where("Actions", i) + ": ";
  if (!action.is_object()) return invalid_input(at + "an action must be an object");
  MORTAR_RETURN_IF_ERROR(check_name(action, "JobName", at));
  MORTAR_RETURN_IF_ERROR(check_name(action, "CrawlerName", at));
  const bool job = has_string(action, "JobName");
  const bool crawler = has_string(action, "CrawlerName");
  if (job == crawler) {
    return invalid_input(at + (job ? "an action names either a JobName or a CrawlerName, not both"
                                   : "an action must name a JobName or a CrawlerName"));
  }
  if (crawler) {
    for (const char* m :
         {"Arguments", "Timeout", "NotificationProperty", "SecurityConfiguration"}) {
      if (action.contains(m))
        return invalid_input(at + m + " applies to job actions only, not to crawler " +
                             action["CrawlerName"].get<std::string>());
    }
  }
  if (auto it = action.find("Arguments"); it != action.end()) {
    if (!it->is_object()) return invalid_input(at + "Arguments must be a map of strings");
    for (auto a = it->begin(); a != it->end(); ++a) {
      if (!a.value().is_string())
        return invalid_input(at + "Arguments: the value of " + a.key() + " must be a string");
    }
  }
  if (auto it = action.find("Timeout"); it != action.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1)
      return invalid_input(at + "Timeout must be a whole number of minutes, at least 1");
  }
  if (auto it = action.find("NotificationProperty"); it != action.end()) {
    if (!it->is_object()) return invalid_input(at + "NotificationProperty must be an object");
    if (auto d = it->find("NotifyDelayAfter"); d != it->end()) {
      if (!d->is_number_integer() || d->get<int64_t>() < 1)
        return invalid_input(at + "NotificationProperty.NotifyDelayAfter must be at least 1");
    }
  }
  MORTAR_RETURN_IF_ERROR(check_name(action, "SecurityConfiguration", at));
  return ok_status();
}

Status check_condition(Json& c, size_t i) {
  const std::string at = "Predicate." + where("Conditions", i) + ": ";
  if (!c.is_object()) return invalid_input(at + "a condition must be an object");
  MORTAR_RETURN_IF_ERROR(check_name(c, "JobName", at));
  MORTAR_RETURN_IF_ERROR(check_name(c, "CrawlerName", at));
  const bool job = has_string(c, "JobName");
  const bool crawler = has_string(c, "CrawlerName");
  if (job == crawler) {
    return invalid_input(at +
                         (job ? "a condition watches either a JobName or a CrawlerName, not both"
                              : "a condition must name a JobName or a CrawlerName"));
  }
  const std::string op = c.value("LogicalOperator", std::string("EQUALS"));
  if (op != "EQUALS")
    return invalid_input(at + "LogicalOperator must be EQUALS, not \"" + op + "\"");
  c["LogicalOperator"] = "EQUALS";
  if (job) {
    if (c.contains("CrawlState"))
      return invalid_input(at + "CrawlState applies to crawler conditions; use State for job " +
                           c["JobName"].get<std::string>());
    static const std::set<std::string> kJobStates = {"SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"};
    const std::string state = c.value("State", std::string());
    if (!kJobStates.count(state))
      return invalid_input(at +
                           "State must be one of SUCCEEDED, STOPPED, FAILED, TIMEOUT (the "
                           "job states a conditional trigger watches), not \"" +
                           state + "\"");
  } else {
    if (c.contains("State"))
      return invalid_input(at + "State applies to job conditions; use CrawlState for crawler " +
                           c["CrawlerName"].get<std::string>());
    static const std::set<std::string> kCrawlStates = {"SUCCEEDED", "FAILED", "CANCELLED"};
    const std::string state = c.value("CrawlState", std::string());
    if (!kCrawlStates.count(state))
      return invalid_input(at +
                           "CrawlState must be one of SUCCEEDED, FAILED, CANCELLED (the "
                           "crawl states a conditional trigger watches), not \"" +
                           state + "\"");
  }
  return ok_status();
}

Status check_predicate(Json& p) {
  if (!p.is_object()) return invalid_input("Predicate must be an object");
  auto conditions = p.find("Conditions");
  if (conditions == p.end() || !conditions->is_array() || conditions->empty())
    return invalid_input(
        "Predicate.Conditions: a CONDITIONAL trigger needs at least one condition");
  if (conditions->size() > 500)
    return invalid_input("Predicate.Conditions: at most 500 conditions");
  for (size_t i = 0; i < conditions->size(); ++i)
    MORTAR_RETURN_IF_ERROR(check_condition((*conditions)[i], i));
  auto logical = p.find("Logical");
  if (logical == p.end() || logical->is_null()) {
    if (conditions->size() > 1)
      return invalid_input(
          "Predicate.Logical (AND or ANY) is required with more than one condition");
    p["Logical"] = "AND";
  } else if (!logical->is_string() || (*logical != "AND" && *logical != "ANY")) {
    return invalid_input("Predicate.Logical must be AND or ANY, not " + logical->dump());
  }
  return ok_status();
}

Status check_batching(Json& b) {
  if (!b.is_object()) return invalid_input("EventBatchingCondition must be an object");
  auto size = b.find("BatchSize");
  if (size == b.end() || !size->is_number_integer() || size->get<int64_t>() < 1 ||
      size->get<int64_t>() > 100)
    return invalid_input("EventBatchingCondition.BatchSize must be between 1 and 100 events");
  auto window = b.find("BatchWindow");
  if (window == b.end() || window->is_null()) {
    b["BatchWindow"] = 900;
  } else if (!window->is_number_integer() || window->get<int64_t>() < 1 ||
             window->get<int64_t>() > 900) {
    return invalid_input("EventBatchingCondition.BatchWindow must be between 1 and 900 seconds");
  }
  return ok_status();
}

// Checks a whole Trigger object (create, or after an update), filling defaults.
Status check_trigger(Json& t, const TriggerRules& rules) {
  const std::string type = t.value("Type", std::string());
  if (type != "SCHEDULED" && type != "CONDITIONAL" && type != "ON_DEMAND" && type != "EVENT")
    return invalid_input("Type must be SCHEDULED, CONDITIONAL, ON_DEMAND or EVENT, not \"" + type +
                         "\"");
  MORTAR_RETURN_IF_ERROR(check_name(t, "WorkflowName", ""));
  if (auto d = t.find("Description"); d != t.end()) {
    if (!d->is_string() || d->get<std::string>().size() > kMaxDescription)
      return invalid_input("Description must be a string of at most 2048 characters");
  }
  // Schedule: SCHEDULED triggers only, and there required.
  const bool has_schedule = has_string(t, "Schedule");
  if (type == "SCHEDULED") {
    if (!has_schedule)
      return invalid_input("Schedule is required for a SCHEDULED trigger (a cron expression)");
    GlueScheduleOptions o;
    o.enforce_min_interval = rules.enforce_min_schedule_interval;
    auto cron = parse_glue_schedule(t["Schedule"].get<std::string>(), o);
    if (!cron.ok())
      return invalid_input("Invalid schedule expression: " +
                           std::string(status_message(cron.status())));
  } else if (has_schedule) {
    return invalid_input("Schedule applies to SCHEDULED triggers only, not to a " + type +
                         " trigger");
  } else {
    t.erase("Schedule");
  }
  // Predicate: CONDITIONAL triggers only, and there required.
  auto predicate = t.find("Predicate");
  const bool has_predicate = predicate != t.end() && !predicate->is_null();
  if (type == "CONDITIONAL") {
    if (!has_predicate) return invalid_input("Predicate is required for a CONDITIONAL trigger");
    MORTAR_RETURN_IF_ERROR(check_predicate(*predicate));
  } else if (has_predicate) {
    return invalid_input("Predicate applies to CONDITIONAL triggers only, not to a " + type +
                         " trigger");
  } else {
    t.erase("Predicate");
  }
  auto batching = t.find("EventBatchingCondition");
  const bool has_batching = batching != t.end() && !batching->is_null();
  if (type == "EVENT") {
    if (!has_string(t, "WorkflowName"))
      return invalid_input("An EVENT trigger must belong to a workflow (WorkflowName)");
    if (has_batching) MORTAR_RETURN_IF_ERROR(check_batching(*batching));
  } else if (has_batching) {
    return invalid_input("EventBatchingCondition applies to EVENT triggers only, not to a " + type +
                         " trigger");
  } else {
    t.erase("EventBatchingCondition");
  }
  auto actions = t.find("Actions");
  if (actions == t.end() || !actions->is_array() || actions->empty())
    return invalid_input("Actions: a trigger needs at least one action (a JobName or CrawlerName)");
  for (size_t i = 0; i < actions->size(); ++i)
    MORTAR_RETURN_IF_ERROR(check_action((*actions)[i], i));
  return ok_status();
}

}  // namespace

StatusOr<Json> trigger_from_create_request(const Json& request, const TriggerRules& rules) {
  if (!request.is_object()) return invalid_input("the request must be an object");
  if (!has_string(request, "Name")) return invalid_input("Name is required");
  MORTAR_RETURN_IF_ERROR(check_name(request, "Name", ""));
  Json t = Json::object();
  for (const char* m : {"Name", "WorkflowName", "Type", "Description", "Schedule", "Actions",
                        "Predicate", "EventBatchingCondition"}) {
    if (auto it = request.find(m); it != request.end() && !it->is_null()) t[m] = *it;
  }
  MORTAR_RETURN_IF_ERROR(check_trigger(t, rules));
  if (auto s = request.find("StartOnCreation"); s != request.end()) {
    if (!s->is_boolean()) return invalid_input("StartOnCreation must be true or false");
    if (s->get<bool>() && t["Type"] == "ON_DEMAND")
      return invalid_input("StartOnCreation is not supported for ON_DEMAND triggers");
  }
  if (auto tags = request.find("Tags"); tags != request.end() && !tags->is_null()) {
    if (!tags->is_object()) return invalid_input("Tags must be a map of strings");
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(*tags));
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(tags->size())));
  }
  return t;
}

StatusOr<Json> apply_trigger_update(const Json& trigger, const Json& update,
                                    const TriggerRules& rules) {
  if (!update.is_object()) return invalid_input("TriggerUpdate must be an object");
  Json t = trigger;
  for (const char* m :
       {"Description", "Schedule", "Actions", "Predicate", "EventBatchingCondition"}) {
    if (auto it = update.find(m); it != update.end() && !it->is_null()) t[m] = *it;
  }
  MORTAR_RETURN_IF_ERROR(check_trigger(t, rules));
  return t;
}

}  // namespace mortar::schedule
