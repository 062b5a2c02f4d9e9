// CreateTable, GetTable, GetTables, UpdateTable, DeleteTable, BatchDeleteTable.
#include "api/ops/op_support.h"

#include "catalog/partition_catalog.h"

namespace mortar::api::ops {

void register_table_operations(OperationRegistry& r, catalog::Catalog& c, const NextTokenCodec& codec) {
  r.add("CreateTable", [&c](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    if (!in.contains("TableInput")) return invalid_input("TableInput is required.");
    CallContext cc = call_context(ctx, in);
    std::string db = str(in, "DatabaseName");
    Json indexes = member(in, "PartitionIndexes");
    if (indexes.is_array() && static_cast<int>(indexes.size()) >
                                  catalog::PartitionCatalog::kMaxPartitionIndexes) {
      return limit_exceeded("A table may have at most " +
                            std::to_string(catalog::PartitionCatalog::kMaxPartitionIndexes) +
                            " partition indexes.");
    }
    // The table and its indexes in one transaction: a refused index leaves no table.
    const std::string table = str(in["TableInput"], "Name");
    const double created = static_cast<double>(c.clock().now_seconds());
    MORTAR_RETURN_IF_ERROR(
        c.create_table(cc, db, in["TableInput"], [&](store::Transaction& tx) -> Status {
          if (!indexes.is_array()) return ok_status();
          for (const Json& index : indexes) {
            MORTAR_RETURN_IF_ERROR(catalog::PartitionCatalog::add_partition_index(
                tx, cc, db, table, index, created));
          }
          return ok_status();
        }));
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
