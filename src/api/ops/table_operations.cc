// CreateTable, GetTable, GetTables, UpdateTable, DeleteTable, BatchDeleteTable.
#include "api/ops/op_support.h"

namespace mortar::api::ops {

void register_table_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec) {
  r.add("CreateTable", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (!in.contains("TableInput")) return invalid_input("TableInput is required.");
    if (in.contains("PartitionIndexes") && !in["PartitionIndexes"].empty()) {
      return unimplemented("CreateTable with PartitionIndexes is not supported yet; "
                           "use CreatePartitionIndex after creating the table.");
    }
    MORTAR_RETURN_IF_ERROR(
        c.create_table(call_context(ctx, in), str(in, "DatabaseName"), in["TableInput"]));
    return Json::object();
  });
  r.add("GetTable", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json t, c.get_table(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "Name")));
    return wrap("Table", std::move(t));
  });
  r.add("GetTables", [&c, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"DatabaseName", "Expression"});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    MORTAR_ASSIGN_OR_RETURN(auto page, c.get_tables(call_context(ctx, in), str(in, "DatabaseName"),
                                                    opt_str(in, "Expression"), after, page_size(in, 100)));
    apply_attributes_to_get(in, page.items);
    Json out = wrap("TableList", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("UpdateTable", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (!in.contains("TableInput")) return invalid_input("TableInput is required.");
    std::string name = str(in, "Name");
    Json input = in["TableInput"];
    if (!name.empty() && !input.contains("Name")) input["Name"] = name;
    MORTAR_RETURN_IF_ERROR(c.update_table(call_context(ctx, in), str(in, "DatabaseName"), input,
                                          opt_str(in, "VersionId"), flag(in, "SkipArchive"))
                               .status());
    return Json::object();
  });
  r.add("DeleteTable", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(c.delete_table(call_context(ctx, in), str(in, "DatabaseName"), str(in, "Name")));
    return Json::object();
  });
  r.add("BatchDeleteTable", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json errors, c.batch_delete_table(call_context(ctx, in), str(in, "DatabaseName"),
                                                              str_list(in, "TablesToDelete")));
    Json out = Json::object();
    if (!errors.empty()) out["Errors"] = std::move(errors);
    return out;
  });
}

}  // namespace mortar::api::ops
