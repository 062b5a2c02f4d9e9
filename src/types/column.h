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
// 1 = valid; rows past the end of a shorter bitmap are valid. Values of null rows are present but unspecified (zeros).
// Not thread-safe for mutation; const access from many threads is fine.
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

// Bytes per value of a fixed-width kind (see the layout above); 0 for the
// variable-length and nested kinds.
int fixed_width(TypeKind kind);

class Column {
 public:
  explicit Column(TypePtr type);

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const;

  // Rows past the end of a (short) bitmap count as valid.
  bool is_valid(int64_t row) const {
    size_t byte = static_cast<size_t>(row >> 3);
    return byte >= validity_.size() || ((validity_[byte] >> (row & 7)) & 1);
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
  // The append_* calls are inline: readers call them per value.
  void reserve(int64_t rows);
  void append_null();               // nested: appends an empty/zero entry in children as needed
  void append_bool(bool v) { push_fixed<uint8_t>(v ? 1 : 0); }
  // Any integer kind (narrowed), date; also timestamp.
  void append_int(int64_t v) {
    switch (width_) {
      case 1: push_fixed<int8_t>(static_cast<int8_t>(v)); break;
      case 2: push_fixed<int16_t>(static_cast<int16_t>(v)); break;
      case 4: push_fixed<int32_t>(static_cast<int32_t>(v)); break;
      default: push_fixed<int64_t>(v); break;
    }
  }
  void append_double(double v) {  // float or double
    if (width_ == 4) {
      push_fixed<float>(static_cast<float>(v));
    } else {
      push_fixed<double>(v);
    }
  }
  void append_decimal(int128 unscaled) { push_fixed<int128>(unscaled); }
  void append_timestamp(int64_t micros) { push_fixed<int64_t>(micros); }
  void append_string(std::string_view bytes) {  // string-like and binary
    data_.insert(data_.end(), bytes.begin(), bytes.end());
    offsets_.push_back(static_cast<int64_t>(data_.size()));
    push_validity(true);
    ++length_;
  }
  // Bulk forms: `rows` fixed-width values copied as they are (layout above),
  // and `rows` nulls.
  void append_fixed(const void* bytes, int64_t rows);
  void append_nulls(int64_t rows);
  // Arrays and maps: append children values first, then close the row with
  // the number of elements appended since the previous row.
  void append_list_length(int64_t n) {
    offsets_.push_back(offsets_.back() + n);
    push_validity(true);
    ++length_;
  }
  // Structs: append one value to every child, then close the row.
  void append_struct_row() {
    push_validity(true);
    ++length_;
  }
  // Choice: append the value to children[alternative], then close the row.
  void append_choice_row(int alternative) {
    type_ids_.push_back(static_cast<int8_t>(alternative));
    child_index_.push_back(children_[alternative]->length() - 1);
    push_validity(true);
    ++length_;
  }

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
  // (A kNull column's rows are all marked null.)
  void set_length(int64_t rows);
  // Marks a row valid or null; rows past the bitmap are valid.
  void set_valid(int64_t row, bool valid);
  // Bytes per value of the fixed-width layouts (0 for the others).
  int value_width() const { return width_; }
  // Empties the column keeping its capacity (reuse across batches).
  void clear();
  // Drops rows past `rows`, and child values past what the kept rows use
  // (rolls back a partly appended nested row too).
  void truncate(int64_t rows);
  // Checks the buffers agree with length() and the type (recursively).
  Status validate() const;

  // Deep copy of rows [offset, offset+count).
  std::unique_ptr<Column> slice(int64_t offset, int64_t count) const;
  // The value at `row` as text for display/tests (JSON-like for nested,
  // "null" for null).
  std::string debug_string(int64_t row) const;

 private:
  template <typename T>
  void push_fixed(T v) {
    size_t at = values_.size();
    values_.resize(at + sizeof(T));
    std::memcpy(values_.data() + at, &v, sizeof(T));
    push_validity(true);
    ++length_;
  }
  // Records row length_'s validity; the bitmap is only materialised at the first null.
  void push_validity(bool valid) {
    if (validity_.empty()) {
      if (valid) return;
      materialize_validity(length_ + 1);
    }
    size_t byte = static_cast<size_t>(length_ >> 3);
    if (byte >= validity_.size()) validity_.resize(byte + 1, 0xFF);
    uint8_t bit = static_cast<uint8_t>(1u << (length_ & 7));
    if (valid) {
      validity_[byte] |= bit;
    } else {
      validity_[byte] &= static_cast<uint8_t>(~bit);
    }
  }
  void materialize_validity(int64_t rows);

  TypePtr type_;
  int width_ = 0;
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
  // Index of a column by field name (case-sensitive), or -1.
  int column_index(std::string_view name) const { return schema_->field_index(name); }
  // Deep copy of rows [offset, offset+count).
  std::unique_ptr<RecordBatch> slice(int64_t offset, int64_t count) const;
  // Checks every column has num_rows rows and matches its field's type.
  Status validate() const;

 private:
  TypePtr schema_;
  std::vector<std::unique_ptr<Column>> columns_;
  int64_t num_rows_;
};

}  // namespace mortar::types
