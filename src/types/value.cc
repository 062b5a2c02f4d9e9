#include "types/value.h"

#include <cmath>

#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::types {

bool Value::List::operator==(const List& o) const { return items == o.items; }
bool Value::Map::operator==(const Map& o) const { return keys == o.keys && values == o.values; }
bool Value::Struct::operator==(const Struct& o) const { return fields == o.fields; }

bool Value::operator==(const Value& other) const {
  if (kind() == Kind::kDouble && other.kind() == Kind::kDouble) {
    double a = as_double(), b = other.as_double();
    return a == b || (std::isnan(a) && std::isnan(b));
  }
  return v_ == other.v_;
}

std::string Value::to_string() const {
  std::string out;
  switch (kind()) {
    case Kind::kNull: return "null";
    case Kind::kBool: return as_bool() ? "true" : "false";
    case Kind::kInt: return std::to_string(as_int());
    case Kind::kDouble: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", as_double());
      return buf;
    }
    case Kind::kDecimal: return format_decimal(as_decimal().unscaled, as_decimal().scale);
    case Kind::kString: return "\"" + as_string() + "\"";
    case Kind::kDate: return format_date(as_date());
    case Kind::kTimestamp: return format_timestamp(as_timestamp());
    case Kind::kList: {
      out = "[";
      for (size_t i = 0; i < as_list().items.size(); ++i) {
        if (i) out += ", ";
        out += as_list().items[i].to_string();
      }
      return out + "]";
    }
    case Kind::kMap: {
      out = "{";
      const Map& m = as_map();
      for (size_t i = 0; i < m.keys.size(); ++i) {
        if (i) out += ", ";
        out += m.keys[i].to_string() + ": " + (i < m.values.size() ? m.values[i].to_string() : "?");
      }
      return out + "}";
    }
    case Kind::kStruct: {
      out = "{";
      for (size_t i = 0; i < as_struct().fields.size(); ++i) {
        if (i) out += ", ";
        out += as_struct().fields[i].to_string();
      }
      return out + "}";
    }
  }
  return out;
}

Value get_value(const Column& c, int64_t row) {
  if (c.is_null(row)) return Value::null();
  const DataType& t = *c.type();
  switch (t.kind()) {
    case TypeKind::kNull: return Value::null();
    case TypeKind::kBoolean: return Value::boolean(c.value<uint8_t>(row) != 0);
    case TypeKind::kTinyInt: return Value::integer(c.value<int8_t>(row));
    case TypeKind::kSmallInt: return Value::integer(c.value<int16_t>(row));
    case TypeKind::kInt: return Value::integer(c.value<int32_t>(row));
    case TypeKind::kBigInt: return Value::integer(c.value<int64_t>(row));
    case TypeKind::kFloat: return Value::real(c.value<float>(row));
    case TypeKind::kDouble: return Value::real(c.value<double>(row));
    case TypeKind::kDecimal: return Value::decimal(c.value<int128>(row), t.scale());
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary: return Value::string(std::string(c.string_at(row)));
    case TypeKind::kDate: return Value::date(c.value<int32_t>(row));
    case TypeKind::kTimestamp: return Value::timestamp(c.value<int64_t>(row));
    case TypeKind::kArray: {
      std::vector<Value> items;
      for (int64_t i = c.offsets()[row]; i < c.offsets()[row + 1]; ++i) {
        items.push_back(get_value(c.child(0), i));
      }
      return Value::list(std::move(items));
    }
    case TypeKind::kMap: {
      std::vector<Value> keys, values;
      for (int64_t i = c.offsets()[row]; i < c.offsets()[row + 1]; ++i) {
        keys.push_back(get_value(c.child(0), i));
        values.push_back(get_value(c.child(1), i));
      }
      return Value::map(std::move(keys), std::move(values));
    }
    case TypeKind::kStruct: {
      std::vector<Value> fields;
      fields.reserve(c.children().size());
      for (size_t i = 0; i < c.children().size(); ++i) fields.push_back(get_value(c.child(i), row));
      return Value::structure(std::move(fields));
    }
    case TypeKind::kChoice: {
      int id = c.type_ids()[row];
      if (id < 0) return Value::null();
      return get_value(c.child(id), c.child_index()[row]);
    }
  }
  return Value::null();
}

namespace {

Status mismatch(const Column& c, const Value& v) {
  return invalid_input("cannot store " + v.to_string().substr(0, 80) + " in a column of type " +
                       c.type()->to_string());
}

bool fits(int64_t v, TypeKind kind) {
  switch (kind) {
    case TypeKind::kTinyInt: return v >= INT8_MIN && v <= INT8_MAX;
    case TypeKind::kSmallInt: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeKind::kInt: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
  }
}

// Whether append_value would accept the value's kind (for choosing a choice alternative).
bool accepts(const DataType& t, const Value& v) {
  using K = Value::Kind;
  switch (t.kind()) {
    case TypeKind::kBoolean: return v.kind() == K::kBool;
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: return v.kind() == K::kInt && fits(v.as_int(), t.kind());
    case TypeKind::kFloat:
    case TypeKind::kDouble: return v.kind() == K::kDouble || v.kind() == K::kInt;
    case TypeKind::kDecimal: return v.kind() == K::kDecimal || v.kind() == K::kInt;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary: return v.kind() == K::kString;
    case TypeKind::kDate: return v.kind() == K::kDate;
    case TypeKind::kTimestamp: return v.kind() == K::kTimestamp || v.kind() == K::kDate;
    case TypeKind::kArray: return v.kind() == K::kList;
    case TypeKind::kMap: return v.kind() == K::kMap;
    case TypeKind::kStruct: return v.kind() == K::kStruct;
    case TypeKind::kChoice:
    case TypeKind::kNull: return false;
  }
  return false;
}

// Rescales a decimal to `scale` exactly, or fails.
bool rescale(int128 unscaled, int from, int to, int precision, int128* out) {
  if (to >= from) {
    int128 f = pow10_int128(to - from);
    int128 limit = decimal_max_unscaled(precision);
    if (unscaled > limit / f || unscaled < -(limit / f)) return false;
    *out = unscaled * f;
  } else {
    int128 f = pow10_int128(from - to);
    if (unscaled % f != 0) return false;
    *out = unscaled / f;
  }
  return *out <= decimal_max_unscaled(precision) && *out >= -decimal_max_unscaled(precision);
}

}  // namespace

namespace {
Status append_unchecked(Column& c, const Value& v);
}

Status append_value(Column& c, const Value& v) {
  int64_t before = c.length();
  Status s = append_unchecked(c, v);
  if (!s.ok()) c.truncate(before);  // also drops partly appended children
  return s;
}

namespace {

Status append_unchecked(Column& c, const Value& v) {
  const DataType& t = *c.type();
  if (v.is_null()) {
    c.append_null();
    return ok_status();
  }
  if (t.kind() == TypeKind::kChoice) {
    for (size_t i = 0; i < t.fields().size(); ++i) {
      if (accepts(*t.fields()[i].type, v)) {
        MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(i), v));
        c.append_choice_row(static_cast<int>(i));
        return ok_status();
      }
    }
    return mismatch(c, v);
  }
  if (!accepts(t, v)) return mismatch(c, v);
  switch (t.kind()) {
    case TypeKind::kBoolean: c.append_bool(v.as_bool()); break;
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: c.append_int(v.as_int()); break;
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      c.append_double(v.kind() == Value::Kind::kInt ? static_cast<double>(v.as_int()) : v.as_double());
      break;
    case TypeKind::kDecimal: {
      int128 unscaled = v.kind() == Value::Kind::kInt ? v.as_int() : v.as_decimal().unscaled;
      int from = v.kind() == Value::Kind::kInt ? 0 : v.as_decimal().scale;
      int128 scaled;
      if (!rescale(unscaled, from, t.scale(), t.precision(), &scaled)) return mismatch(c, v);
      c.append_decimal(scaled);
      break;
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary: c.append_string(v.as_string()); break;
    case TypeKind::kDate: c.append_int(v.as_date()); break;
    case TypeKind::kTimestamp:
      c.append_timestamp(v.kind() == Value::Kind::kDate ? int64_t{v.as_date()} * 86400000000LL
                                                        : v.as_timestamp());
      break;
    case TypeKind::kArray: {
      for (const Value& item : v.as_list().items) MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(0), item));
      c.append_list_length(static_cast<int64_t>(v.as_list().items.size()));
      break;
    }
    case TypeKind::kMap: {
      const auto& m = v.as_map();
      if (m.keys.size() != m.values.size()) return invalid_input("map value with unequal keys and values");
      for (size_t i = 0; i < m.keys.size(); ++i) {
        if (m.keys[i].is_null()) return invalid_input("map keys cannot be null");
        MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(0), m.keys[i]));
        MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(1), m.values[i]));
      }
      c.append_list_length(static_cast<int64_t>(m.keys.size()));
      break;
    }
    case TypeKind::kStruct: {
      const auto& fields = v.as_struct().fields;
      if (fields.size() != t.fields().size()) {
        return invalid_input("struct value has " + std::to_string(fields.size()) + " fields, type " +
                             t.to_string() + " has " + std::to_string(t.fields().size()));
      }
      for (size_t i = 0; i < fields.size(); ++i) MORTAR_RETURN_IF_ERROR(append_unchecked(c.child(i), fields[i]));
      c.append_struct_row();
      break;
    }
    default: return mismatch(c, v);
  }
  return ok_status();
}

}  // namespace

std::vector<std::vector<Value>> batch_rows(const RecordBatch& batch) {
  std::vector<std::vector<Value>> rows(static_cast<size_t>(batch.num_rows()));
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    rows[r].reserve(batch.num_columns());
    for (int i = 0; i < batch.num_columns(); ++i) rows[r].push_back(get_value(batch.column(i), r));
  }
  return rows;
}

Status append_row(RecordBatch& batch, const std::vector<Value>& row) {
  if (static_cast<int>(row.size()) != batch.num_columns()) {
    return invalid_input("row has " + std::to_string(row.size()) + " values, the batch " +
                         std::to_string(batch.num_columns()) + " columns");
  }
  for (int i = 0; i < batch.num_columns(); ++i) {
    Status s = append_value(batch.column(i), row[i]);
    if (!s.ok()) {
      for (int j = 0; j < i; ++j) batch.column(j).truncate(batch.num_rows());  // all or nothing
      return annotate(s, "column '" + batch.schema()->fields()[i].name + "'");
    }
  }
  batch.set_num_rows(batch.num_rows() + 1);
  return ok_status();
}

}  // namespace mortar::types
