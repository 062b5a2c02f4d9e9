// Reshaping data to a merged schema (see schema_merge.h): batches read from
// different files, or records a Map callback returned, are brought to the
// frame's one schema. Fields missing from the data become nulls, values move
// into the matching choice alternative. The target type must subsume the
// data's type (merge_types(data type, x)); anything else is an internal error.
// Column-level functions work on the buffers (no per-value copies for
// unchanged subtrees). Thread-safe (no shared state).
#pragma once

#include <memory>

#include "common/status.h"
#include "types/column.h"
#include "types/value.h"

namespace mortar::engine {

StatusOr<std::unique_ptr<types::Column>> conform_column(std::unique_ptr<types::Column> column,
                                                        const types::TypePtr& target);
StatusOr<std::unique_ptr<types::RecordBatch>> conform_batch(
    std::unique_ptr<types::RecordBatch> batch, const types::TypePtr& schema);

// Appends `value`, whose type is `value_type`, to `column` (all or nothing).
Status append_typed(types::Column& column, const types::Value& value,
                    const types::DataType& value_type);

// A column of `rows` nulls.
std::unique_ptr<types::Column> null_column(const types::TypePtr& type, int64_t rows);

// A new column of `type` taking `from`'s buffers (validity, values, offsets,
// data, choice ids) and the given children: changes a column's type without
// copying its data.
std::unique_ptr<types::Column> retyped(const types::TypePtr& type, types::Column& from,
                                       std::vector<std::unique_ptr<types::Column>> children);

// A batch as one struct column (all rows valid) and back, for path-based rewrites.
std::unique_ptr<types::Column> batch_to_struct(std::unique_ptr<types::RecordBatch> batch);
std::unique_ptr<types::RecordBatch> struct_to_batch(std::unique_ptr<types::Column> column);

// The index of the choice alternative a value read from a choice column
// belongs to (by the value's kind), or -1.
int alternative_for_value(const types::DataType& choice, const types::Value& value);

}  // namespace mortar::engine
