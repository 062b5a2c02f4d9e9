// Parquet schema <-> Mortar types. The reader side turns the flat
// SchemaElement list into a tree of FieldNodes, one per Mortar column node,
// each carrying the definition/repetition levels that decide its slots
// (see record_assembler.h). The writer side turns a Mortar struct type into
// SchemaElements with the standard 3-level LIST and MAP layouts.
//
// Type mapping (read):
//   BOOLEAN -> boolean; INT32 -> int (INT_8 tinyint, INT_16 smallint,
//   UINT_8 smallint, UINT_16 int, UINT_32 bigint, DATE date); INT64 -> bigint
//   (UINT_64 -> decimal(20,0)); TIMESTAMP millis/micros/nanos and INT96 ->
//   timestamp (UTC micros; nanos truncated); TIME -> bigint microseconds since
//   midnight; DECIMAL (any physical type) -> decimal(p,s) (p > 38 -> double);
//   FLOAT/DOUBLE -> float/double (FLOAT16 -> float); BYTE_ARRAY with
//   STRING/UTF8/ENUM/JSON -> string, else binary; FIXED_LEN_BYTE_ARRAY ->
//   binary (UUID -> string "8-4-4-4-12"); LIST (3-level and legacy 2-level)
//   and unannotated repeated fields -> array; MAP -> map; groups -> struct.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "types/data_type.h"

namespace mortar::formats::parquet {

// How a leaf's physical values become the Mortar column's values.
enum class LeafConversion : uint8_t {
  kNone,          // same representation (bool, int32, int64, float, double, bytes)
  kInt32ToInt8,
  kInt32ToInt16,
  kUint8ToInt16,
  kUint16ToInt32,
  kUint32ToInt64,
  kUint64ToDecimal,
  kMillisToMicros,    // INT64 timestamps in millis (or INT32 time millis -> int64)
  kNanosToMicros,
  kInt32TimeMillis,   // INT32 TIME_MILLIS -> bigint micros
  kInt96ToMicros,
  kInt32ToDecimal,
  kInt64ToDecimal,
  kBytesToDecimal,    // big-endian two's complement (BYTE_ARRAY or FLBA)
  kDecimalToDouble,   // precision > 38
  kFloat16ToFloat,
  kUuidToString,
  kFixedToBinary,     // FLBA -> binary (offsets + data)
};

struct FieldNode {
  enum Kind : uint8_t { kLeaf, kStruct, kList, kMap } kind = kLeaf;
  std::string name;
  types::TypePtr type;
  // A slot exists for an entry when rep <= rep_level and def >= exist_def;
  // the slot holds a non-null value when def >= def_present.
  int16_t exist_def = 0, def_present = 0, rep_level = 0;
  // list/map: an entry starts an element when def >= elem_def.
  int16_t elem_def = 0, elem_rep = 0;
  std::vector<std::unique_ptr<FieldNode>> children;
  // leaf:
  int leaf_index = -1;  // index among the file's leaf columns
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;
  LeafConversion conversion = LeafConversion::kNone;
  int scale = 0;  // decimal-to-double
  int16_t max_def = 0, max_rep = 0;
};

// The root's fields, in schema order; leaves are numbered in file order.
struct FileSchema {
  std::vector<std::unique_ptr<FieldNode>> fields;
  int num_leaves = 0;
  std::vector<const FieldNode*> leaves;  // by leaf_index
};

StatusOr<FileSchema> build_file_schema(const std::vector<SchemaElement>& elements);

// Writer side: the SchemaElements (root first) for a struct type.
StatusOr<std::vector<SchemaElement>> to_parquet_schema(const types::DataType& struct_type);

}  // namespace mortar::formats::parquet
