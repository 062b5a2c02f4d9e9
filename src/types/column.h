// Columnar data, Arrow-like: a Column holds one type's values for N rows
// with a validity bitmap, contiguous values, offsets for variable-length and
// list types, and children for nested types. A RecordBatch is a set of
// equal-length columns under a struct schema. Readers fill columns directly
// (append_* or by writing the buffers), writers and the engine read them.
//
// Physical layout by TypeKind:
//   kNull                     no buffers (every row null)
//   kBoolean                  values: 1 byte per row (0/1)
//   kTinyInt..kBigInt         values: int8/int16/int32/int64 per row
//   kFloat / kDouble          values: float / double per row
//   kDecimal                  values: __int128 unscaled per row
//   kDate                     values: int32 days since epoch
//   kTimestamp                values: int64 microseconds since epoch, UTC
//   kString/kVarchar/kChar/kBinary
//                             offsets: int64, length+1 entries; data: bytes
//   kArray                    offsets: int64, length+1; children[0]: elements
//   kMap                      offsets: int64, length+1; children[0] keys,
//                             children[1] values (entries flattened)
//   kStruct                   children[i]: field i, each `length` rows
//   kChoice                   type_ids: int8 per row (index of the alternative);
//                             children[i]: alternative i, dense: row r's value
//                             is children[type_ids[r]] at child_index[r]
// Validity: empty vector = all rows valid; else 1 bit per row, LSB first,
// 1 = valid. Values of null rows are present but unspecified (zeros).
// Not thread-safe for mutation; const access from many threads is fine.
//
// (Contract header: the types helper owns and implements it.)
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "types/data_type.h"

namespace mortar::types {

using int128 = __int128;

class Column {
 public:
  explicit Column(TypePtr type);

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const;

  bool is_valid(int64_t row) const {
    return validity_.empty() || ((validity_[row >> 3] >> (row & 7)) & 1);
  }
  bool is_null(int64_t row) const { return !is_valid(row); }

  // Typed access to fixed-width values (T must match the layout above).
  template <typename T>
  const T* values() const { return reinterpret_cast<const T*>(values_.data()); }
  template <typename T>
  T value(int64_t row) const {
    T v;
    std::memcpy(&v, values_.data() + row * sizeof(T), sizeof(T));
    return v;
  }
  // String/binary bytes of a row.
  std::string_view string_at(int64_t row) const {
    return std::string_view(data_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }

  // --- building -----------------------------------------------------------
  void reserve(int64_t rows);
  void append_null();               // nested: appends an empty/zero entry in children as needed
  void append_bool(bool v);
  void append_int(int64_t v);       // any integer kind (narrowed), date
  void append_double(double v);     // float or double
  void append_decimal(int128 unscaled);
  void append_timestamp(int64_t micros);
  void append_string(std::string_view bytes);  // string-like and binary
  // Arrays and maps: append children values first, then close the row with
  // the number of elements appended since the previous row.
  void append_list_length(int64_t n);
  // Structs: append one value to every child, then close the row.
  void append_struct_row();
  // Choice: append the value to children[alternative], then close the row.
  void append_choice_row(int alternative);

  // Raw buffers, for readers and writers that fill or read in bulk.
  std::vector<uint8_t>& validity() { return validity_; }
  std::vector<char>& values_buffer() { return values_; }
  std::vector<int64_t>& offsets() { return offsets_; }
  std::vector<char>& data() { return data_; }
  std::vector<int8_t>& type_ids() { return type_ids_; }
  std::vector<int64_t>& child_index() { return child_index_; }
  std::vector<std::unique_ptr<Column>>& children() { return children_; }
  const std::vector<uint8_t>& validity() const { return validity_; }
  const std::vector<char>& values_buffer() const { return values_; }
  const std::vector<int64_t>& offsets() const { return offsets_; }
  const std::vector<char>& data() const { return data_; }
  const std::vector<int8_t>& type_ids() const { return type_ids_; }
  const std::vector<int64_t>& child_index() const { return child_index_; }
  const std::vector<std::unique_ptr<Column>>& children() const { return children_; }
  const Column& child(size_t i) const { return *children_.at(i); }
  Column& child(size_t i) { return *children_.at(i); }

  // After filling buffers directly: the row count and (optional) null marks.
  void set_length(int64_t rows) { length_ = rows; }
  void set_valid(int64_t row, bool valid);

  // Deep copy of rows [offset, offset+count).
  std::unique_ptr<Column> slice(int64_t offset, int64_t count) const;
  // The value at `row` as text for display/tests (JSON-like for nested,
  // "null" for null).
  std::string debug_string(int64_t row) const;

 private:
  TypePtr type_;
  int64_t length_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<char> values_;
  std::vector<int64_t> offsets_;
  std::vector<char> data_;
  std::vector<int8_t> type_ids_;
  std::vector<int64_t> child_index_;
  std::vector<std::unique_ptr<Column>> children_;
};

class RecordBatch {
 public:
  // `schema` is a struct type; one column per field.
  RecordBatch(TypePtr schema, std::vector<std::unique_ptr<Column>> columns, int64_t num_rows);
  // An empty batch with a builder column per field.
  static std::unique_ptr<RecordBatch> make_empty(TypePtr schema);

  const TypePtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const Column& column(int i) const { return *columns_.at(i); }
  Column& column(int i) { return *columns_.at(i); }
  std::vector<std::unique_ptr<Column>>& columns() { return columns_; }
  void set_num_rows(int64_t n) { num_rows_ = n; }
  // Checks every column has num_rows rows and matches its field's type.
  Status validate() const;

 private:
  TypePtr schema_;
  std::vector<std::unique_ptr<Column>> columns_;
  int64_t num_rows_;
};

}  // namespace mortar::types
