// GetTableVersion, GetTableVersions, DeleteTableVersion, BatchDeleteTableVersion.
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_table_version_operations(OperationRegistry& r, catalog::Catalog& c,
                                       const NextTokenCodec& codec) {
  r.add("GetTableVersion", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json v, c.get_table_version(call_context(ctx, in), str(in, "DatabaseName"),
                                                        str(in, "TableName"), opt_str(in, "VersionId")));
    return wrap("TableVersion", std::move(v));
  });
  r.add("GetTableVersions", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"DatabaseName", "TableName"});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    MORTAR_ASSIGN_OR_RETURN(auto page, c.get_table_versions(call_context(ctx, in), str(in, "DatabaseName"),
                                                            str(in, "TableName"), after, page_size(in, 100)));
    Json out = wrap("TableVersions", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("DeleteTableVersion", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.delete_table_version(call_context(ctx, in), str(in, "DatabaseName"),
                                                  str(in, "TableName"), str(in, "VersionId")));
    return Json::object();
  });
  r.add("BatchDeleteTableVersion", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json errors,
                            c.batch_delete_table_version(call_context(ctx, in), str(in, "DatabaseName"),
                                                         str(in, "TableName"), str_list(in, "VersionIds")));
    Json out = Json::object();
    if (!errors.empty()) out["Errors"] = std::move(errors);
    return out;
  });
}

}  // namespace mortar::api::ops
