// Column surgery shared by the transforms: copying rows, pulling a nested
// field out, and rewriting the struct that holds a field at a path (with the
// ancestors' types rebuilt and their buffers moved, not copied).
// Thread-safe (no shared state).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "engine/field_path.h"
#include "types/column.h"

namespace mortar::engine {

// Appends row `row` of `src` to `out`; both have the same type.
void copy_row(types::Column& out, const types::Column& src, int64_t row);

// Bytes a column's (or batch's) buffers hold, children included (what the
// memory budget counts).
int64_t column_bytes(const types::Column& column);
int64_t batch_bytes(const types::RecordBatch& batch);

// The rows `rows[0..n)` of `src`, in that order (a gather). Fixed-width and
// string columns are copied buffer to buffer; nested ones row by row.
std::unique_ptr<types::Column> take_rows(const types::Column& src, const int64_t* rows, int64_t n);

// A copy of the column at a struct-only path under `root` (a struct column),
// null wherever an enclosing struct is null; nullptr when absent.
std::unique_ptr<types::Column> extract_column(const types::Column& root, const FieldPath& path,
                                              bool case_insensitive = false);

// Calls fn(parent, field_name) with the struct column that holds the path's
// last field (stepping into arrays where the path says [] before the last
// step); fn returns the new parent. Ancestors are rebuilt around the result.
// A path that does not exist leaves `root` unchanged.
using ParentFn = std::function<StatusOr<std::unique_ptr<types::Column>>(
    std::unique_ptr<types::Column> parent, const PathStep& last)>;
StatusOr<std::unique_ptr<types::Column>> rewrite_parent(std::unique_ptr<types::Column> root,
                                                        const FieldPath& path, const ParentFn& fn);

// Replaces the column at `path` by fn(column) (through the last step's []).
using ColumnFn =
    std::function<StatusOr<std::unique_ptr<types::Column>>(std::unique_ptr<types::Column> column)>;
StatusOr<std::unique_ptr<types::Column>> rewrite_column(std::unique_ptr<types::Column> root,
                                                        const FieldPath& path, const ColumnFn& fn);

// Struct column surgery: a new struct column with the given children (and
// field names), keeping `parent`'s validity.
std::unique_ptr<types::Column> rebuild_struct(types::Column& parent, std::vector<std::string> names,
                                              std::vector<std::unique_ptr<types::Column>> children);

// Adds `column` at a struct path, creating structs as needed (fails when a
// field on the way is not a struct or the field exists).
StatusOr<std::unique_ptr<types::Column>> insert_column(std::unique_ptr<types::Column> root,
                                                       const FieldPath& path,
                                                       std::unique_ptr<types::Column> column);

// The values of alternative `alt` of a choice column as a full-length column
// (null where a row holds another alternative).
std::unique_ptr<types::Column> choice_alternative(const types::Column& choice, int alt);

}  // namespace mortar::engine
