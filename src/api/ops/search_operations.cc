// SearchTables.
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_search_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec) {
  r.add("SearchTables", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (str(in, "ResourceShareType") == "FOREIGN") return Json{{"TableList", Json::array()}};
    Paging paging(codec, ctx, in, {"SearchText", "Filters", "SortCriteria"});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    MORTAR_ASSIGN_OR_RETURN(auto page, c.search_tables(call_context(ctx, in), in, after, page_size(in, 1000)));
    Json out = wrap("TableList", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
}

}  // namespace mortar::api::ops
