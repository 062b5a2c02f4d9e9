// CreateConnection, GetConnection, GetConnections, UpdateConnection,
// DeleteConnection, BatchDeleteConnection.
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_connection_operations(OperationRegistry& r, catalog::Catalog& c,
                                    const NextTokenCodec& codec) {
  r.add("CreateConnection", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.create_connection(call_context(ctx, in), member(in, "ConnectionInput"),
                                               member(in, "Tags")));
    return Json{{"CreateConnectionStatus", "READY"}};
  });
  r.add("GetConnection", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json conn, c.get_connection(call_context(ctx, in), str(in, "Name"),
                                                        flag(in, "HidePassword")));
    return wrap("Connection", std::move(conn));
  });
  r.add("GetConnections", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"Filter", "HidePassword"});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    MORTAR_ASSIGN_OR_RETURN(auto page, c.get_connections(call_context(ctx, in), member(in, "Filter"),
                                                         flag(in, "HidePassword"), after, page_size(in, 1000)));
    Json out = wrap("ConnectionList", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("UpdateConnection", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(
        c.update_connection(call_context(ctx, in), str(in, "Name"), member(in, "ConnectionInput")));
    return Json::object();
  });
  r.add("DeleteConnection", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.delete_connection(call_context(ctx, in), str(in, "ConnectionName")));
    return Json::object();
  });
  r.add("BatchDeleteConnection", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json out, c.batch_delete_connection(call_context(ctx, in),
                                                                str_list(in, "ConnectionNameList")));
    if (out["Errors"].empty()) out.erase("Errors");
    return out;
  });
}

}  // namespace mortar::api::ops
