// Classifier operations: thin handlers over crawler::ClassifierRegistry.
#include "api/ops/crawler_operations.h"
#include "api/ops/op_support.h"

namespace mortar::api {

void register_classifier_operations(OperationRegistry& r, crawler::ClassifierRegistry& c,
                                    const NextTokenCodec& codec) {
  r.add("CreateClassifier", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.create(ctx.account_id, in));
    return Json::object();
  });
  r.add("UpdateClassifier", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.update(ctx.account_id, in));
    return Json::object();
  });
  r.add("GetClassifier", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, c.get(ctx.account_id, ops::str(in, "Name")));
    return ops::wrap("Classifier", std::move(body));
  });
  r.add("GetClassifiers", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    ops::Paging paging(codec, ctx, in, {});
    MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
    std::string after = pos.is_string() ? pos.get<std::string>() : std::string();
    bool more = false;
    MORTAR_ASSIGN_OR_RETURN(auto items, c.list(ctx.account_id, after, ops::page_size(in, 1000), &more));
    Json next = more && !items.empty() ? Json(crawler::classifier_name(items.back())) : Json();
    Json out = ops::wrap("Classifiers", std::move(items));
    paging.finish(out, next);
    return out;
  });
  r.add("DeleteClassifier", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.remove(ctx.account_id, ops::str(in, "Name")));
    return Json::object();
  });
}

}  // namespace mortar::api
