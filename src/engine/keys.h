// Row keys for the transforms that match records by fields (Join,
// DropDuplicates, mergeDynamicFrame). Internal to the engine.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/field_path.h"
#include "types/column.h"

namespace mortar::engine {

// Key text of one row (JSON of each key value, typed enough to tell 1 from
// "1"); false when a key is null (nulls never join).
bool row_key(const std::vector<std::unique_ptr<types::Column>>& keys, int64_t row,
             std::string* out);
// The columns at `paths` (struct paths; nullptr where the batch lacks one).
std::vector<std::unique_ptr<types::Column>> key_columns(const types::RecordBatch& batch,
                                                        const std::vector<FieldPath>& paths);
// Parses key paths ('[]' refused: keys are scalars of the record).
StatusOr<std::vector<FieldPath>> parse_key_paths(const std::vector<std::string>& paths,
                                                 const char* what);

}  // namespace mortar::engine
