// Registers the partition operations (CreatePartition, BatchCreatePartition,
// GetPartition, GetPartitions, BatchGetPartition, UpdatePartition,
// BatchUpdatePartition, DeletePartition, BatchDeletePartition), the partition
// index operations (Create/Get/DeletePartitionIndex) and the column
// statistics operations (Get/Update/DeleteColumnStatisticsFor{Table,Partition}).
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"

namespace mortar::api {

// `catalog`, `partitions` (over `catalog`) and `codec` must outlive the
// registry's handlers.
void register_partition_operations(OperationRegistry& registry, catalog::Catalog& catalog,
                                   catalog::PartitionCatalog& partitions,
                                   const NextTokenCodec& codec);

namespace ops {
// Part of register_partition_operations (column_statistics_operations.cc).
void register_column_statistics_operations(OperationRegistry& registry, catalog::Catalog& catalog);
}  // namespace ops

}  // namespace mortar::api
