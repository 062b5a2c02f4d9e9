// Record: one row of a DynamicFrame with its own schema, as Map and Filter
// callbacks see it (Glue's DynamicRecord). Fields are addressed by path
// ("a.b", "`x.y`"). Setting a field that does not exist adds it; its type is
// inferred from the value (integers bigint, reals double, text string...)
// unless given. Records are plain values: copy freely. Not thread-safe.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/data_type.h"
#include "types/value.h"

namespace mortar::engine {

class Record {
 public:
  Record();  // empty struct
  // `schema` a struct type, `value` a struct Value with one entry per field.
  Record(types::TypePtr schema, types::Value value);

  const types::TypePtr& schema() const { return schema_; }
  const types::Value& value() const { return value_; }
  std::vector<std::string> field_names() const;

  bool has(std::string_view path) const;
  // The value at `path`; null when absent.
  types::Value get(std::string_view path) const;
  // The type at `path`; nullptr when absent.
  types::TypePtr type_of(std::string_view path) const;
  // Sets (or adds) the field at `path`, creating parent structs as needed.
  // Without a type the field keeps its type when the value fits it, else the
  // type is inferred (struct values need a type or set_record). Bad paths or
  // a parent that is not a struct -> error.
  Status set(std::string_view path, types::Value value);
  Status set(std::string_view path, types::Value value, types::TypePtr type);
  // Sets a nested record as a struct field.
  Status set_record(std::string_view path, const Record& record);
  // Sets the field at `path` keeping its type when the value fits it, else
  // giving it `type` (a caller's inferred type; required). An existing
  // top-level field whose type stays is replaced in place: the schema
  // (shared with the batch the record came from) is not rebuilt, which keeps
  // Map callbacks that set a field cheap.
  Status assign(std::string_view path, types::Value value, types::TypePtr type);

  // Top-level field access without path parsing: index or -1, and the value
  // (the record's value is a struct with one entry per schema field).
  int field_index(std::string_view name) const { return schema_->field_index(name); }
  const types::Value& field(int index) const { return value_.as_struct().fields[index]; }
  // Removes the field; false when it was absent.
  bool remove(std::string_view path);

  // {"a": 1, "b": {"c": "x"}} (field order kept).
  std::string to_json() const;

  // The type a value gets when none is given; nullptr for struct values
  // (anywhere inside), whose field names a Value does not carry.
  static types::TypePtr infer_type(const types::Value& value);

 private:
  types::TypePtr schema_;
  types::Value value_;
};

// Thrown by a Filter/Map callback to stop the whole execution (the action
// fails with Cancelled and this message) instead of turning its record into
// an error record, e.g. when the Python script was interrupted.
class ExecutionAborted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// JSON text of a value of the given type (names from the type).
void append_value_json(std::string& out, const types::Value& value, const types::DataType& type);

}  // namespace mortar::engine
