// CreateDatabase, GetDatabase, GetDatabases, UpdateDatabase, DeleteDatabase.
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_database_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec) {
  r.add("CreateDatabase", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.create_database(call_context(ctx, in), member(in, "DatabaseInput"),
                                             member(in, "Tags")));
    return Json::object();
  });
  r.add("GetDatabase", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json db, c.get_database(call_context(ctx, in), str(in, "Name")));
    return wrap("Database", std::move(db));
  });
  r.add("GetDatabases", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (str(in, "ResourceShareType") == "FOREIGN") {
      // No cross-account sharing yet: nothing is shared with anyone.
      return Json{{"DatabaseList", Json::array()}};
    }
    Paging paging(codec, ctx, in, {});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    MORTAR_ASSIGN_OR_RETURN(auto page, c.get_databases(call_context(ctx, in), after, page_size(in, 100)));
    apply_attributes_to_get(in, page.items);
    Json out = wrap("DatabaseList", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("UpdateDatabase", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(
        c.update_database(call_context(ctx, in), str(in, "Name"), member(in, "DatabaseInput")));
    return Json::object();
  });
  r.add("DeleteDatabase", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.delete_database(call_context(ctx, in), str(in, "Name")));
    return Json::object();
  });
}

}  // namespace mortar::api::ops
