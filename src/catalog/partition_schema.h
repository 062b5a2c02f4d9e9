// The "partitions" store component: partitions, their per-key value index,
// partition indexes and column statistics. Catalog::migrate calls
// migrate_partitions() after the "catalog" component (tables(id) must exist).
#pragma once

#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

const std::vector<store::Migration>& partition_migrations();

Status migrate_partitions(store::Store& store);

}  // namespace mortar::catalog
