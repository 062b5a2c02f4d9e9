// Mortar's one type system, shared by the catalog and the engine, spelled as
// Glue/Hive type strings: `bigint`, `decimal(10,2)`, `varchar(20)`,
// `array<struct<a:int,b:map<string,double>>>`, plus the engine-only `choice`
// (a value whose type varies per record, as DynamicFrame needs) and `null`.
// Types are immutable and shared (TypePtr). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::types {

enum class TypeKind : uint8_t {
  kNull,
  kBoolean,
  kTinyInt,
  kSmallInt,
  kInt,
  kBigInt,
  kFloat,
  kDouble,
  kDecimal,    // precision <= 38; stored as __int128 unscaled
  kString,
  kVarchar,    // length()
  kChar,       // length()
  kBinary,
  kDate,       // int32 days since 1970-01-01
  kTimestamp,  // int64 microseconds since the epoch, UTC
  kArray,      // fields()[0] is the element ("element")
  kMap,        // fields()[0] key ("key"), fields()[1] value ("value")
  kStruct,     // fields() in order
  kChoice,     // fields() are the alternatives, each named by its type string
};

class DataType;
using TypePtr = std::shared_ptr<const DataType>;

struct Field {
  std::string name;
  TypePtr type;
};

class DataType {
 public:
  TypeKind kind() const { return kind_; }
  int precision() const { return precision_; }  // decimal
  int scale() const { return scale_; }          // decimal
  int length() const { return length_; }        // varchar / char
  const std::vector<Field>& fields() const { return fields_; }

  bool is_nested() const {
    return kind_ == TypeKind::kArray || kind_ == TypeKind::kMap || kind_ == TypeKind::kStruct ||
           kind_ == TypeKind::kChoice;
  }
  const TypePtr& element() const { return fields_.at(0).type; }  // array
  const TypePtr& key() const { return fields_.at(0).type; }      // map
  const TypePtr& value() const { return fields_.at(1).type; }    // map
  // Index of a struct field by name (case-sensitive), or -1.
  int field_index(std::string_view name) const;

  // The Glue/Hive type string, e.g. "array<struct<a:int,b:string>>". Struct
  // field names that need it are back-quoted. choice prints as
  // "choice<int,string>".
  std::string to_string() const;
  bool equals(const DataType& other) const;

  // Parses a type string; case-insensitive keywords, whitespace tolerated.
  // Malformed input -> InvalidArgument naming the offset and what was expected.
  static StatusOr<TypePtr> parse(std::string_view text);

  static TypePtr null();
  static TypePtr boolean();
  static TypePtr tinyint();
  static TypePtr smallint();
  static TypePtr int32();
  static TypePtr bigint();
  static TypePtr float32();
  static TypePtr float64();
  static TypePtr decimal(int precision, int scale);
  static TypePtr string();
  static TypePtr varchar(int length);
  static TypePtr chr(int length);
  static TypePtr binary();
  static TypePtr date();
  static TypePtr timestamp();
  static TypePtr array(TypePtr element);
  static TypePtr map(TypePtr key, TypePtr value);
  static TypePtr structure(std::vector<Field> fields);
  static TypePtr choice(std::vector<TypePtr> alternatives);

  DataType(TypeKind kind, int precision, int scale, int length, std::vector<Field> fields)
      : kind_(kind), precision_(precision), scale_(scale), length_(length),
        fields_(std::move(fields)) {}

 private:
  TypeKind kind_;
  int precision_ = 0;
  int scale_ = 0;
  int length_ = 0;
  std::vector<Field> fields_;
};

}  // namespace mortar::types
