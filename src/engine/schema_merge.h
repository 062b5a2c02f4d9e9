// Schema merging for DynamicFrame: the one type that holds the values of two
// types. Structs merge field by field (fields in first-seen order), arrays by
// element, maps by key and value, null merges with anything, and differing
// types become choice<...> (a choice holds at most one struct, one array and
// one map alternative, merged in place, plus one alternative per distinct
// primitive type). Pure functions; thread-safe.
#pragma once

#include "types/data_type.h"

namespace mortar::engine {

types::TypePtr merge_types(const types::TypePtr& a, const types::TypePtr& b);

// The index of the alternative of `choice` that holds values of `type`
// (same type for primitives, same kind for struct/array/map), or -1.
int choice_slot(const types::DataType& choice, const types::DataType& type);

}  // namespace mortar::engine
