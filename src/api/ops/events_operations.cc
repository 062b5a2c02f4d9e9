#include "api/ops/events_operations.h"

#include <string>

#include "api/ops/op_support.h"

namespace mortar::api {
namespace {

using ops::Paging;
using ops::str;

// Limit (1-100, checked by the model); EventBridge's default page is 100.
int limit_of(const Json& in) {
  auto it = in.find("Limit");
  return it != in.end() && it->is_number_integer() ? it->get<int>() : 100;
}

StatusOr<std::string> after_of(const Paging& paging) {
  MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
  return pos.is_string() ? pos.get<std::string>() : std::string();
}

// Pages `items` (one more than `limit` asked for) under `key`.
Json page(const Paging& paging, const char* key, std::vector<Json> items, int limit,
          const char* id_member) {
  Json next;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    next = items.back()[id_member];
  }
  Json out = Json::object();
  out[key] = std::move(items);
  paging.finish(out, next);
  return out;
}

}  // namespace

void register_events_operations(OperationRegistry& ops, events::EventRules& rules,
                                const NextTokenCodec& codec) {
  ops.add("PutRule", [&rules](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(std::string arn, rules.put_rule(ctx.account_id, in));
    return Json{{"RuleArn", arn}};
  });
  ops.add("DescribeRule", [&rules](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
    return rules.describe_rule(ctx.account_id, str(in, "Name"));
  });
  ops.add("ListRules", [&rules, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
    Paging paging(codec, ctx, in, {"NamePrefix"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_of(paging));
    const int limit = limit_of(in);
    MORTAR_ASSIGN_OR_RETURN(
        auto items, rules.list_rules(ctx.account_id, str(in, "NamePrefix"), after, limit + 1));
    return page(paging, "Rules", std::move(items), limit, "Name");
  });
  ops.add("DeleteRule", [&rules](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
    MORTAR_RETURN_IF_ERROR(rules.delete_rule(ctx.account_id, str(in, "Name")));
    return Json::object();
  });
  for (const bool enable : {true, false}) {
    ops.add(enable ? "EnableRule" : "DisableRule",
            [&rules, enable](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
              MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
              MORTAR_RETURN_IF_ERROR(rules.set_rule_state(ctx.account_id, str(in, "Name"), enable));
              return Json::object();
            });
  }
  ops.add("PutTargets", [&rules](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
    return rules.put_targets(ctx.account_id, str(in, "Rule"), in["Targets"]);
  });
  ops.add("RemoveTargets", [&rules](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
    return rules.remove_targets(ctx.account_id, str(in, "Rule"), ops::str_list(in, "Ids"));
  });
  ops.add("ListTargetsByRule",
          [&rules, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
            MORTAR_RETURN_IF_ERROR(events::EventRules::check_event_bus(in));
            Paging paging(codec, ctx, in, {"Rule"});
            MORTAR_ASSIGN_OR_RETURN(std::string after, after_of(paging));
            const int limit = limit_of(in);
            MORTAR_ASSIGN_OR_RETURN(
                auto items, rules.list_targets(ctx.account_id, str(in, "Rule"), after, limit + 1));
            return page(paging, "Targets", std::move(items), limit, "Id");
          });
  ops.add("PutEvents", [&rules](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (in.contains("EndpointId")) {
      return invalid_input("EndpointId (global endpoints) is not supported by Mortar.");
    }
    return rules.put_events(ctx.account_id, in["Entries"]);
  });
}

}  // namespace mortar::api
