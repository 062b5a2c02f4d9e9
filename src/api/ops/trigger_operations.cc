// Trigger operations: thin handlers over schedule::TriggerService.
#include "api/ops/trigger_operations.h"

#include "api/ops/op_support.h"
#include "api/ops/tag_operations.h"

namespace mortar::api {
namespace {

using ops::member;
using ops::page_size;
using ops::Paging;
using ops::str;
using ops::str_list;
using ops::wrap;

// Triggers belong to the caller's account (no CatalogId member).
CallContext context(const RequestContext& ctx, const Json& in) {
  return ops::call_context(ctx, in);
}

StatusOr<std::string> after_name(const Paging& paging) {
  MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
  return pos.is_string() ? pos.get<std::string>() : std::string();
}

Json named(const std::string& name) { return wrap("Name", name); }


}  // namespace

void register_trigger_operations(OperationRegistry& r, schedule::TriggerService& s,
                                 const NextTokenCodec& codec) {
  r.add("CreateTrigger", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(std::string name, s.create_trigger(context(ctx, in), in));
    return named(name);
  });
  r.add("GetTrigger", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json t, s.get_trigger(context(ctx, in), str(in, "Name")));
    return wrap("Trigger", std::move(t));
  });
  r.add("GetTriggers", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"DependentJobName"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_name(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page, s.get_triggers(context(ctx, in), str(in, "DependentJobName"),
                                                      after, page_size(in, 200)));
    Json out = wrap("Triggers", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("ListTriggers", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"DependentJobName", "Tags"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_name(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page,
                            s.list_triggers(context(ctx, in), str(in, "DependentJobName"),
                                            member(in, "Tags"), after, page_size(in, 200)));
    Json out = wrap("TriggerNames", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("BatchGetTriggers", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    return s.batch_get_triggers(context(ctx, in), str_list(in, "TriggerNames"));
  });
  r.add("UpdateTrigger", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json t, s.update_trigger(context(ctx, in), str(in, "Name"), member(in, "TriggerUpdate")));
    return wrap("Trigger", std::move(t));
  });
  r.add("DeleteTrigger", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.delete_trigger(context(ctx, in), str(in, "Name")));
    return named(str(in, "Name"));
  });
  r.add("StartTrigger", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.start_trigger(context(ctx, in), str(in, "Name")));
    return named(str(in, "Name"));
  });
  r.add("StopTrigger", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.stop_trigger(context(ctx, in), str(in, "Name")));
    return named(str(in, "Name"));
  });
  ops::tag_router(r).add("trigger", std::make_shared<ops::NamedResourceTagger<schedule::TriggerService>>(
      s, "trigger", &schedule::TriggerService::tag_trigger, &schedule::TriggerService::untag_trigger, &schedule::TriggerService::get_trigger_tags));
}

}  // namespace mortar::api
