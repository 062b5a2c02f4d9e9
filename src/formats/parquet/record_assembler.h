// Turns leaf columns (levels + dense values, column_reader.h) into Mortar
// columns, rebuilding structs, lists and maps from definition/repetition
// levels. Each leaf is walked once; a struct's validity and a list's
// offsets are written while walking the first leaf beneath it (all leaves
// under a node agree on its slots). Flat columns take a bulk fast path.
#pragma once

#include <memory>
#include <vector>

#include "common/status.h"
#include "formats/parquet/column_reader.h"
#include "formats/parquet/schema.h"
#include "types/column.h"

namespace mortar::formats::parquet {

// `leaves` is indexed by leaf_index; entries not under `field` are unused.
// The leaves' data may be moved from.
StatusOr<std::unique_ptr<types::Column>> assemble_column(const FieldNode& field,
                                                         std::vector<LeafData>& leaves,
                                                         int64_t num_rows);

}  // namespace mortar::formats::parquet
