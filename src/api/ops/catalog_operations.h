// Registers the Data Catalog's Glue operations (databases, tables, table
// versions, SearchTables, connections, user-defined functions, tags) on the
// api registry. Partitions, indexes and column statistics register
// separately (partition_operations.h).
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "catalog/catalog.h"

namespace mortar::api {

// `catalog` and `codec` must outlive the registry's handlers.
void register_catalog_operations(OperationRegistry& registry, catalog::Catalog& catalog,
                                 const NextTokenCodec& codec);

}  // namespace mortar::api
