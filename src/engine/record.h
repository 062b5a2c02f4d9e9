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

namespace mortar::types {
class RecordBatch;
}

namespace mortar::engine {

class Record {
 public:
  Record();  // empty struct
  // `schema` a struct type, `value` a struct Value with one entry per field.
  Record(types::TypePtr schema, types::Value value);
  // A record over row `row` of `batch` that reads each field from the batch
  // only when it is first used (a Map callback that touches two fields of
  // twenty does not build the other eighteen), and remembers which fields
  // were written since (unchanged_from). The batch must outlive the record
  // or detach() must be called first; copies never refer to the batch.
  // Batches of more than 64 columns are read at once.
  static Record lazy_row(const types::RecordBatch& batch, int64_t row);
  // Copying reads the whole source; moving keeps the record lazy.
  Record(const Record& other);
  Record& operator=(const Record& other);
  Record(Record&& other) noexcept;
  Record& operator=(Record&& other) noexcept;

  // A copy that stays lazy: fields not read yet are read from the same batch
  // row when used (same lifetime rule as lazy_row). For a callback that
  // gets the record by const reference and needs its own.
  Record lazy_copy() const;
  // Reads every field still unread and forgets the batch.
  void detach();
  // Whether top-level field `index` is still column `index` of row `row` of
  // `batch`, never written since lazy_row(): the caller may copy the column
  // instead of the value.
  bool unchanged_from(const types::RecordBatch& batch, int64_t row, int index) const;
  // The same per field at once: whether the record is lazy_row(batch, row)
  // (not detached), and bit i set when field i was written since.
  bool is_row(const types::RecordBatch& batch, int64_t row) const {
    return batch_ == &batch && row_ == row;
  }
  uint64_t written_fields() const { return written_; }

  const types::TypePtr& schema() const { return schema_; }
  const types::Value& value() const {
    if (unread_) read_all();
    return value_;
  }
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
  const types::Value& field(int index) const {
    if (index < 64 && (unread_ >> index & 1)) read_field(index);
    return value_.as_struct().fields[index];
  }
  // Whether the value is a struct with one entry per schema field (checked
  // without reading a lazy record's fields).
  bool well_formed() const {
    return schema_->kind() == types::TypeKind::kStruct &&
           value_.kind() == types::Value::Kind::kStruct &&
           value_.as_struct().fields.size() == schema_->fields().size();
  }
  // Removes the field; false when it was absent.
  bool remove(std::string_view path);

  // {"a": 1, "b": {"c": "x"}} (field order kept).
  std::string to_json() const;

  // The type a value gets when none is given; nullptr for struct values
  // (anywhere inside), whose field names a Value does not carry.
  static types::TypePtr infer_type(const types::Value& value);

 private:
  void read_field(int index) const;
  void read_all() const;
  // After a change that may move fields (path writes, removal): no lazy source.
  void forget_source();

  types::TypePtr schema_;
  mutable types::Value value_;
  // lazy_row(): the source and, per field (bit i = field i), whether it is
  // still to be read and whether it was written.
  const types::RecordBatch* batch_ = nullptr;
  int64_t row_ = 0;
  mutable uint64_t unread_ = 0;
  uint64_t written_ = 0;
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
