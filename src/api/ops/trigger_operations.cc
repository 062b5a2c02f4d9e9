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

// Tags on arn:aws:glue:<region>:<account>:trigger/<name>.
class TriggerTagger : public ops::ResourceTagger {
 public:
  explicit TriggerTagger(schedule::TriggerService& s) : s_(s) {}
  Status tag(const CallContext& ctx, const TagArn& arn, const Json& tags) override {
    MORTAR_RETURN_IF_ERROR(check(arn));
    return s_.tag_trigger(ctx, arn.path, tags);
  }
  Status untag(const CallContext& ctx, const TagArn& arn,
               const std::vector<std::string>& keys) override {
    MORTAR_RETURN_IF_ERROR(check(arn));
    return s_.untag_trigger(ctx, arn.path, keys);
  }
  StatusOr<Json> get_tags(const CallContext& ctx, const TagArn& arn) override {
    MORTAR_RETURN_IF_ERROR(check(arn));
    return s_.get_trigger_tags(ctx, arn.path);
  }

 private:
  static Status check(const TagArn& arn) {
    if (arn.path.empty())
      return invalid_input("Invalid ResourceArn: " + arn.text + " names no trigger.");
    return ok_status();
  }
  schedule::TriggerService& s_;
};

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
  ops::tag_router(r).add("trigger", std::make_shared<TriggerTagger>(s));
}

}  // namespace mortar::api
