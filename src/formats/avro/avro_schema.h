// Avro schemas: parsing the writer schema JSON of a container file into a
// tree the decoder walks, mapped onto Mortar types; and generating an Avro
// schema from a Mortar struct type for the writer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "types/data_type.h"

namespace mortar::formats::avro {

enum class AvroKind {
  kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,
  kRecord, kEnum, kArray, kMap, kFixed, kUnion,
};

// How a value is converted on its way into a column.
enum class Logical { kNone, kDecimal, kDate, kTimestampMillis, kTimestampMicros };

struct AvroNode {
  AvroKind kind = AvroKind::kNull;
  Logical logical = Logical::kNone;
  int fixed_size = 0;                              // fixed
  std::vector<std::string> symbols;                // enum
  std::vector<std::string> field_names;            // record
  std::vector<std::shared_ptr<AvroNode>> children; // record fields, array items, map values, union branches
  // Unions: index of the "null" branch (-1 if none), and for each branch its
  // alternative in the choice column (-1 for null; 0 when the union is just a
  // nullable single type).
  int null_branch = -1;
  std::vector<int> branch_alternative;
  bool union_is_choice = false;
  types::TypePtr type;  // the Mortar type of the values
  int64_t min_size = 0; // fewest bytes one value can take (caps counts read from a file)
};
using AvroNodePtr = std::shared_ptr<const AvroNode>;

// Parses a schema JSON text. Unsupported or malformed schemas -> InvalidArgument.
StatusOr<AvroNodePtr> parse_schema(std::string_view json_text);

// The Avro schema JSON for a Mortar struct type (nullable fields are
// ["null", T] unions with default null), and the matching node tree.
struct WriterSchema {
  std::string json;
  AvroNodePtr root;
};
StatusOr<WriterSchema> schema_for_type(const types::TypePtr& type);

}  // namespace mortar::formats::avro
