// CreateUserDefinedFunction, GetUserDefinedFunction, GetUserDefinedFunctions,
// UpdateUserDefinedFunction, DeleteUserDefinedFunction.
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_function_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec) {
  r.add("CreateUserDefinedFunction", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.create_function(call_context(ctx, in), str(in, "DatabaseName"),
                                             member(in, "FunctionInput")));
    return Json::object();
  });
  r.add("GetUserDefinedFunction", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json f, c.get_function(call_context(ctx, in), str(in, "DatabaseName"),
                                                   str(in, "FunctionName")));
    return wrap("UserDefinedFunction", std::move(f));
  });
  r.add("GetUserDefinedFunctions", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"DatabaseName", "Pattern", "FunctionType"});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    MORTAR_ASSIGN_OR_RETURN(auto page,
                            c.get_functions(call_context(ctx, in), opt_str(in, "DatabaseName"),
                                            str(in, "Pattern"), opt_str(in, "FunctionType"), after,
                                            page_size(in, 100)));
    Json out = wrap("UserDefinedFunctions", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("UpdateUserDefinedFunction", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.update_function(call_context(ctx, in), str(in, "DatabaseName"),
                                             str(in, "FunctionName"), member(in, "FunctionInput")));
    return Json::object();
  });
  r.add("DeleteUserDefinedFunction", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.delete_function(call_context(ctx, in), str(in, "DatabaseName"),
                                             str(in, "FunctionName")));
    return Json::object();
  });
}

}  // namespace mortar::api::ops
