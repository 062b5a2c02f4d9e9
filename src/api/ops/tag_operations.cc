// TagResource, UntagResource, GetTags. ARNs carry their own account, so the
// catalog is the ARN's (checked against the caller's by the catalog).
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_tag_operations(OperationRegistry& r, catalog::Catalog& c) {
  r.add("TagResource", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.tag_resource(call_context(ctx, in), str(in, "ResourceArn"), member(in, "TagsToAdd")));
    return Json::object();
  });
  r.add("UntagResource", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(
        c.untag_resource(call_context(ctx, in), str(in, "ResourceArn"), str_list(in, "TagsToRemove")));
    return Json::object();
  });
  r.add("GetTags", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json tags, c.get_tags(call_context(ctx, in), str(in, "ResourceArn")));
    return wrap("Tags", std::move(tags));
  });
}

}  // namespace mortar::api::ops
