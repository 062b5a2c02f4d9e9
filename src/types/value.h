// A row-at-a-time value model, for tests and row-wise consumers (the Python
// bridge, `mortar file head`, conformance checks). Not for hot paths: readers
// and writers work on Column buffers directly.
//
// The Value's kind follows the column's physical family, not its exact type:
// all integer kinds are kInt, float and double kDouble, string/varchar/char/
// binary kString (binary bytes as they are), choice the chosen alternative's
// value. Struct values are positional (names come from the type).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "types/column.h"

namespace mortar::types {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kDecimal, kString, kDate, kTimestamp, kList, kMap, kStruct };
  struct Decimal {
    int128 unscaled;
    int scale;
    bool operator==(const Decimal& o) const { return unscaled == o.unscaled && scale == o.scale; }
  };
  struct Date {
    int32_t days;
    bool operator==(const Date&) const = default;
  };
  struct Timestamp {
    int64_t micros;
    bool operator==(const Timestamp&) const = default;
  };
  struct List {
    std::vector<Value> items;
    bool operator==(const List&) const;
  };
  struct Map {
    std::vector<Value> keys, values;  // parallel
    bool operator==(const Map&) const;
  };
  struct Struct {
    std::vector<Value> fields;
    bool operator==(const Struct&) const;
  };

  Value() = default;  // null
  static Value null() { return Value(); }
  static Value boolean(bool v) { return Value(v); }
  static Value integer(int64_t v) { return Value(v); }
  static Value real(double v) { return Value(v); }
  static Value decimal(int128 unscaled, int scale) { return Value(Decimal{unscaled, scale}); }
  static Value string(std::string v) { return Value(std::move(v)); }
  static Value date(int32_t days) { return Value(Date{days}); }
  static Value timestamp(int64_t micros) { return Value(Timestamp{micros}); }
  static Value list(std::vector<Value> items) { return Value(List{std::move(items)}); }
  static Value map(std::vector<Value> keys, std::vector<Value> values) {
    return Value(Map{std::move(keys), std::move(values)});
  }
  static Value structure(std::vector<Value> fields) { return Value(Struct{std::move(fields)}); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  int32_t as_date() const { return std::get<Date>(v_).days; }
  int64_t as_timestamp() const { return std::get<Timestamp>(v_).micros; }
  const List& as_list() const { return std::get<List>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }
  const Struct& as_struct() const { return std::get<Struct>(v_); }

  // Exact equality (NaN equals NaN here, so tests can compare rows).
  bool operator==(const Value& other) const;
  // Compact text: null, true, 12, 1.5, 12.30, "s", 2020-01-02,
  // 2020-01-02 03:04:05.000001, [..], {k: v}, {f0, f1}. For test messages.
  std::string to_string() const;

 private:
  template <typename T>
  explicit Value(T v) : v_(std::move(v)) {}
  std::variant<std::monostate, bool, int64_t, double, Decimal, std::string, Date, Timestamp, List,
               Map, Struct>
      v_;
};

// The value at `row` (deep: nested values are copied out).
Value get_value(const Column& column, int64_t row);
// Appends one value, converting where lossless (int -> double/decimal,
// date -> timestamp); a choice column takes the first alternative that
// accepts the value. Mismatches -> InvalidArgument, leaving the column as it
// was.
Status append_value(Column& column, const Value& value);

// Rows of a batch as vectors of column values, and back (append_row is all or
// nothing: on error no column keeps the row).
std::vector<std::vector<Value>> batch_rows(const RecordBatch& batch);
Status append_row(RecordBatch& batch, const std::vector<Value>& row);

}  // namespace mortar::types
