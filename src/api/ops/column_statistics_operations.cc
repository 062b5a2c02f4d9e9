// Get/Update/DeleteColumnStatisticsForTable and ...ForPartition handlers.
#include <memory>

#include "api/ops/op_support.h"
#include "api/ops/partition_operations.h"
#include "catalog/column_statistics.h"

namespace mortar::api::ops {

void register_column_statistics_operations(OperationRegistry& r, catalog::Catalog& catalog) {
  auto cs = std::make_shared<catalog::ColumnStatisticsCatalog>(catalog);

  r.add("GetColumnStatisticsForTable", [cs](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto result,
                            cs->get_for_table(call_context(ctx, in), str(in, "DatabaseName"),
                                              str(in, "TableName"), str_list(in, "ColumnNames")));
    return Json{{"ColumnStatisticsList", std::move(result.statistics)},
                {"Errors", std::move(result.errors)}};
  });
  r.add("UpdateColumnStatisticsForTable",
        [cs](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          MORTAR_ASSIGN_OR_RETURN(
              Json errors, cs->update_for_table(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"),
                                                member(in, "ColumnStatisticsList")));
          return Json{{"Errors", std::move(errors)}};
        });
  r.add("DeleteColumnStatisticsForTable",
        [cs](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          MORTAR_RETURN_IF_ERROR(cs->delete_for_table(call_context(ctx, in),
                                                      str(in, "DatabaseName"),
                                                      str(in, "TableName"), str(in, "ColumnName")));
          return Json::object();
        });

  r.add("GetColumnStatisticsForPartition",
        [cs](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          MORTAR_ASSIGN_OR_RETURN(
              auto result,
              cs->get_for_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                    str(in, "TableName"), member(in, "PartitionValues"),
                                    str_list(in, "ColumnNames")));
          return Json{{"ColumnStatisticsList", std::move(result.statistics)},
                      {"Errors", std::move(result.errors)}};
        });
  r.add("UpdateColumnStatisticsForPartition",
        [cs](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          MORTAR_ASSIGN_OR_RETURN(
              Json errors,
              cs->update_for_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                       str(in, "TableName"), member(in, "PartitionValues"),
                                       member(in, "ColumnStatisticsList")));
          return Json{{"Errors", std::move(errors)}};
        });
  r.add("DeleteColumnStatisticsForPartition",
        [cs](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          MORTAR_RETURN_IF_ERROR(cs->delete_for_partition(
              call_context(ctx, in), str(in, "DatabaseName"), str(in, "TableName"),
              member(in, "PartitionValues"), str(in, "ColumnName")));
          return Json::object();
        });
}

}  // namespace mortar::api::ops
