// Field paths as Glue spells them: "a.b.c" into nested structs, back-quotes
// around names holding dots ("`a.b`.c"), and "[]" after a name to step into
// an array's elements ("myList[].price"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/data_type.h"

namespace mortar::engine {

struct PathStep {
  std::string name;
  int array_depth = 0;  // how many "[]" follow the name
};
using FieldPath = std::vector<PathStep>;

// Malformed paths (empty names, unbalanced back-quotes, text after "[]")
// -> InvalidArgument.
StatusOr<FieldPath> parse_path(std::string_view text);
// Back-quotes names that need it, e.g. {"a.b", "c"} -> "`a.b`.c".
std::string path_to_string(const FieldPath& path);

// The index of a struct field by name, exact match first, then (when
// case_insensitive) ignoring ASCII case; -1 when absent.
int find_field(const types::DataType& s, std::string_view name, bool case_insensitive);

// The type at `path` in a struct type, or nullptr when absent (arrays are
// stepped into where the path says "[]").
types::TypePtr type_at(const types::TypePtr& schema, const FieldPath& path,
                       bool case_insensitive = false);

}  // namespace mortar::engine
