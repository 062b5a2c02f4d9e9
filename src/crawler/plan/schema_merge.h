// How schemas and classifications of several files combine into one table's
// or partition's, and how alike two schemas are.
#pragma once

#include "crawler/crawl_types.h"
#include "types/data_type.h"

namespace mortar::crawler {

// The type both values fit, as Glue widens across files: integers to the
// wider integer, integer + floating point -> double, date + timestamp ->
// timestamp, anything + string -> string, structs field by field (fields
// unioned in first-seen order), arrays and maps element-wise; other
// conflicts (boolean + bigint ...) -> string. Null types yield the other.
// (engine::merge_types, for DynamicFrames, keeps conflicts as choice types.)
types::TypePtr widen_types(const types::TypePtr& a, const types::TypePtr& b);

// Similarity of two struct schemas in [0, 1]: top-level columns that appear
// in both with the same type count 1, with different types 0.5, divided by
// the number of distinct column names in either (Jaccard over names with a
// half penalty for type changes). Two empty or null schemas are 1.0.
double schema_similarity(const types::TypePtr& a, const types::TypePtr& b);

// Folds `c` into `acc` (which starts as a copy of the first file's): acc's
// format pieces are kept, schemas merge, record_count sums and
// average_record_size is weighted by records.
void merge_classification(Classification& acc, const Classification& c);
// The same with the file's own record figures instead of c's.
void merge_classification(Classification& acc, const Classification& c, int64_t record_count,
                          int64_t average_record_size);

}  // namespace mortar::crawler
