// The ORC type tree (Footer.types, flattened pre-order, column id = index)
// as a tree of nodes carrying their Mortar type, spelled as Hive spells ORC
// types: int, bigint, varchar(n), decimal(p,s), array<...>, map<...>,
// struct<...>; ORC unions become Mortar choice types.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "formats/orc/orc_metadata.h"
#include "types/data_type.h"

namespace mortar::formats::orc {

struct SchemaNode {
  uint32_t column = 0;  // ORC column id
  OrcKind kind = OrcKind::kStruct;
  std::string name;  // field name within the parent struct ("" elsewhere)
  std::string path;  // dotted path of struct fields from the root ("a.b")
  types::TypePtr type;
  int precision = 0, scale = 0;  // decimals
  std::vector<std::unique_ptr<SchemaNode>> children;
};

// The root is the row struct; a file of another root type gets a synthetic
// struct root (column id UINT32_MAX) with it as its one field "_col0". Rejects cycles, shared
// subtrees, out-of-range ids and nesting deeper than 64.
StatusOr<std::unique_ptr<SchemaNode>> build_schema(const std::vector<OrcType>& types);

// Every column id at or below `node`.
void collect_columns(const SchemaNode& node, std::vector<uint32_t>* out);

}  // namespace mortar::formats::orc
