// Appends JSON values (simdjson DOM elements) to columns of a known type,
// converting where it is lossless or customary: numbers into any numeric
// type (integral doubles into integers), numeric/boolean strings into their
// types, dates and timestamps from strings, anything into a string column as
// JSON text, objects into structs (by key) or maps, a value into the choice
// alternative matching its JSON type. A mismatch is an error naming the field.
// Not thread-safe (per-reader scratch state).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "common/status.h"
#include "types/column.h"

namespace mortar::formats::json {

class JsonBuilder {
 public:
  explicit JsonBuilder(types::TypePtr type);
  ~JsonBuilder();
  // Appends `v` as one row of `column` (whose type is the builder's).
  Status append(types::Column& column, simdjson::dom::element v);
  // Appends the fields of object `v` to the columns of a struct-typed row
  // set (one column per field), as a top-level record.
  Status append_record(std::vector<std::unique_ptr<types::Column>>& columns,
                       simdjson::dom::element v);

 struct Node;  // the type as a tree with lookup tables

 private:
  Status append_node(const Node& node, types::Column& column, simdjson::dom::element v);
  Status append_fields(const Node& node, std::vector<types::Column*>& children,
                       simdjson::dom::element v);
  std::unique_ptr<Node> root_;
  std::string scratch_;
  uint32_t generation_ = 0;
};

}  // namespace mortar::formats::json
