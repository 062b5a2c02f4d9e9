// Partition and partition index handlers: thin translations between the
// Glue request/response members and catalog::PartitionCatalog.
#include "api/ops/partition_operations.h"

#include <memory>

#include "api/ops/op_support.h"
#include "catalog/partition_catalog.h"

namespace mortar::api {

using ops::call_context;
using ops::member;
using ops::str;

namespace {

Json with_errors(Json errors) {
  Json out = Json::object();
  if (!errors.empty()) out["Errors"] = std::move(errors);
  return out;
}

}  // namespace

void register_partition_operations(OperationRegistry& r, catalog::Catalog& catalog,
                                   catalog::PartitionCatalog& partitions,
                                   const NextTokenCodec& codec) {
  catalog::PartitionCatalog* pc = &partitions;

  r.add("CreatePartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(pc->create_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"), member(in, "PartitionInput")));
    return Json::object();
  });
  r.add("BatchCreatePartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json errors, pc->batch_create_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"),
                                                member(in, "PartitionInputList")));
    return with_errors(std::move(errors));
  });
  r.add("GetPartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json p, pc->get_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                      str(in, "TableName"),
                                                      member(in, "PartitionValues")));
    return Json{{"Partition", std::move(p)}};
  });
  r.add("GetPartitions", [pc, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    ops::Paging paging(codec, ctx, in,
                       {"DatabaseName", "TableName", "Expression", "Segment", "ExcludeColumnSchema"});
    MORTAR_ASSIGN_OR_RETURN(Json after, paging.position());
    catalog::PartitionScan scan;
    scan.expression = str(in, "Expression");
    if (after.is_number_integer()) scan.after_id = after.get<int64_t>();
    Json segment = member(in, "Segment");
    if (segment.is_object()) {
      scan.segment_number = segment.value("SegmentNumber", 0);
      scan.total_segments = segment.value("TotalSegments", 1);
    }
    scan.limit = ops::page_size(in, 1000, 1000);
    scan.exclude_column_schema = ops::flag(in, "ExcludeColumnSchema");
    MORTAR_ASSIGN_OR_RETURN(auto page, pc->get_partitions(call_context(ctx, in),
                                                          str(in, "DatabaseName"),
                                                          str(in, "TableName"), scan));
    Json out{{"Partitions", std::move(page.partitions)}};
    paging.finish(out, page.next_after_id ? Json(*page.next_after_id) : Json());
    return out;
  });
  r.add("BatchGetPartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(auto partitions,
                            pc->batch_get_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                    str(in, "TableName"),
                                                    member(in, "PartitionsToGet")));
    return Json{{"Partitions", std::move(partitions)}, {"UnprocessedKeys", Json::array()}};
  });
  r.add("UpdatePartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(pc->update_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"),
                                                member(in, "PartitionValueList"),
                                                member(in, "PartitionInput")));
    return Json::object();
  });
  r.add("BatchUpdatePartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json errors, pc->batch_update_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"), member(in, "Entries")));
    return with_errors(std::move(errors));
  });
  r.add("DeletePartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(pc->delete_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"),
                                                member(in, "PartitionValues")));
    return Json::object();
  });
  r.add("BatchDeletePartition", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json errors, pc->batch_delete_partition(call_context(ctx, in), str(in, "DatabaseName"),
                                                str(in, "TableName"),
                                                member(in, "PartitionsToDelete")));
    return with_errors(std::move(errors));
  });

  r.add("CreatePartitionIndex", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(pc->create_partition_index(call_context(ctx, in),
                                                      str(in, "DatabaseName"),
                                                      str(in, "TableName"),
                                                      member(in, "PartitionIndex")));
    return Json::object();
  });
  r.add("GetPartitionIndexes", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    // At most three indexes per table: always one page.
    MORTAR_ASSIGN_OR_RETURN(auto indexes,
                            pc->get_partition_indexes(call_context(ctx, in),
                                                      str(in, "DatabaseName"), str(in, "TableName")));
    return Json{{"PartitionIndexDescriptorList", std::move(indexes)}};
  });
  r.add("DeletePartitionIndex", [pc](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(pc->delete_partition_index(call_context(ctx, in),
                                                      str(in, "DatabaseName"),
                                                      str(in, "TableName"), str(in, "IndexName")));
    return Json::object();
  });

  ops::register_column_statistics_operations(r, catalog);
}

}  // namespace mortar::api
