#include "engine/record.h"

#include <cmath>
#include <cstdint>

#include "engine/conform.h"
#include "engine/field_path.h"
#include "engine/schema_merge.h"
#include "formats/text_values.h"
#include "types/column.h"
#include "types/decimal.h"
#include "types/json_text.h"
#include "types/temporal.h"

namespace mortar::engine {

using types::DataType;
using types::Field;
using types::TypeKind;
using types::TypePtr;
using types::Value;

Record::Record() : schema_(DataType::structure({})), value_(Value::structure({})) {}

Record::Record(TypePtr schema, Value value)
    : schema_(std::move(schema)), value_(std::move(value)) {}

namespace {
constexpr int kMaxLazyFields = 64;
}  // namespace

Record Record::lazy_row(const types::RecordBatch& batch, int64_t row) {
  const int n = batch.num_columns();
  std::vector<Value> fields;
  fields.reserve(n + 2);  // room for fields a Map callback adds
  Record out(batch.schema(), Value());
  if (n > kMaxLazyFields) {
    for (int i = 0; i < n; ++i) fields.push_back(types::get_value(batch.column(i), row));
    out.value_ = Value::structure(std::move(fields));
    return out;
  }
  fields.resize(n);
  out.value_ = Value::structure(std::move(fields));
  out.batch_ = &batch;
  out.row_ = row;
  out.unread_ = n == kMaxLazyFields ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  return out;
}

Record::Record(const Record& other) : schema_(other.schema_), value_(other.value()) {}

Record& Record::operator=(const Record& other) {
  if (this != &other) {
    schema_ = other.schema_;
    value_ = other.value();
    batch_ = nullptr;
    unread_ = 0;
    written_ = 0;
  }
  return *this;
}

Record::Record(Record&& other) noexcept
    : schema_(std::move(other.schema_)),
      value_(std::move(other.value_)),
      batch_(other.batch_),
      row_(other.row_),
      unread_(other.unread_),
      written_(other.written_) {
  other.batch_ = nullptr;
  other.unread_ = 0;
  other.written_ = 0;
}

Record& Record::operator=(Record&& other) noexcept {
  if (this != &other) {
    schema_ = std::move(other.schema_);
    value_ = std::move(other.value_);
    batch_ = other.batch_;
    row_ = other.row_;
    unread_ = other.unread_;
    written_ = other.written_;
    other.batch_ = nullptr;
    other.unread_ = 0;
    other.written_ = 0;
  }
  return *this;
}

Record Record::lazy_copy() const {
  Record out(schema_, value_);
  out.batch_ = batch_;
  out.row_ = row_;
  out.unread_ = unread_;
  out.written_ = written_;
  return out;
}

void Record::read_field(int index) const {
  auto& fields = const_cast<Value::Struct&>(value_.as_struct()).fields;
  fields[index] = types::get_value(batch_->column(index), row_);
  unread_ &= ~(uint64_t{1} << index);
}

void Record::read_all() const {
  while (unread_) read_field(__builtin_ctzll(unread_));
}

void Record::detach() {
  read_all();
  batch_ = nullptr;
  written_ = 0;
}

void Record::forget_source() { detach(); }

bool Record::unchanged_from(const types::RecordBatch& batch, int64_t row, int index) const {
  return batch_ == &batch && row_ == row && index >= 0 && index < kMaxLazyFields &&
         index < batch.num_columns() && !(written_ >> index & 1);
}

std::vector<std::string> Record::field_names() const {
  std::vector<std::string> out;
  for (const Field& f : schema_->fields()) out.push_back(f.name);
  return out;
}

namespace {

// Finds the value and type at a struct path (no array steps).
bool lookup(const TypePtr& schema, const Value& value, const FieldPath& path, TypePtr* type,
            const Value** out) {
  TypePtr t = schema;
  const Value* v = &value;
  for (const PathStep& step : path) {
    if (step.array_depth > 0 || t->kind() != TypeKind::kStruct) return false;
    int i = t->field_index(step.name);
    if (i < 0) return false;
    t = t->fields()[i].type;
    if (v->is_null()) {
      static const Value kNull;
      v = &kNull;
    } else if (v->kind() != Value::Kind::kStruct ||
               static_cast<size_t>(i) >= v->as_struct().fields.size()) {
      return false;  // a value that does not match its type
    } else {
      v = &v->as_struct().fields[i];
    }
  }
  *type = t;
  *out = v;
  return true;
}

bool fits(const Value& v, const DataType& t) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::kNull:
      return true;
    case K::kBool:
      return t.kind() == TypeKind::kBoolean;
    case K::kInt: {
      int64_t i = v.as_int();
      switch (t.kind()) {
        case TypeKind::kTinyInt:
          return i >= INT8_MIN && i <= INT8_MAX;
        case TypeKind::kSmallInt:
          return i >= INT16_MIN && i <= INT16_MAX;
        case TypeKind::kInt:
          return i >= INT32_MIN && i <= INT32_MAX;
        case TypeKind::kBigInt:
          return true;
        default:
          return false;
      }
    }
    case K::kDouble:
      return t.kind() == TypeKind::kDouble || t.kind() == TypeKind::kFloat;
    case K::kDecimal:
      return t.kind() == TypeKind::kDecimal && t.scale() == v.as_decimal().scale;
    case K::kString:
      return t.kind() == TypeKind::kString || t.kind() == TypeKind::kVarchar ||
             t.kind() == TypeKind::kChar || t.kind() == TypeKind::kBinary;
    case K::kDate:
      return t.kind() == TypeKind::kDate;
    case K::kTimestamp:
      return t.kind() == TypeKind::kTimestamp;
    case K::kList:
      return t.kind() == TypeKind::kArray;
    case K::kMap:
      return t.kind() == TypeKind::kMap;
    case K::kStruct:
      return t.kind() == TypeKind::kStruct && t.fields().size() == v.as_struct().fields.size();
  }
  return false;
}

// Rebuilds (type, value) with `path[depth..]` set; parents are created.
Status set_at(TypePtr& type, Value& value, const FieldPath& path, size_t depth, Value v,
              const TypePtr& vt) {
  if (type->kind() != TypeKind::kStruct)
    return invalid_input("cannot set '" + path_to_string(path) + "': '" + path[depth - 1].name +
                         "' is not a struct");
  if (path[depth].array_depth > 0) return invalid_input("cannot set through [] in a record path");
  if (!value.is_null() && (value.kind() != Value::Kind::kStruct ||
                           value.as_struct().fields.size() != type->fields().size()))
    return invalid_input("cannot set '" + path_to_string(path) +
                         "': the record's values do not match its schema");
  std::vector<Field> fields = type->fields();
  std::vector<Value> values =
      value.is_null() ? std::vector<Value>(fields.size()) : value.as_struct().fields;
  int i = type->field_index(path[depth].name);
  if (depth + 1 == path.size()) {
    if (i < 0) {
      fields.push_back({path[depth].name, vt});
      values.push_back(std::move(v));
    } else {
      fields[i].type = vt;
      values[i] = std::move(v);
    }
  } else {
    if (i < 0) {
      fields.push_back({path[depth].name, DataType::structure({})});
      values.push_back(Value::structure({}));
      i = static_cast<int>(fields.size()) - 1;
    }
    TypePtr child_type = fields[i].type;
    if (child_type->kind() == TypeKind::kNull) {
      child_type = DataType::structure({});
      values[i] = Value::structure({});
    }
    MORTAR_RETURN_IF_ERROR(set_at(child_type, values[i], path, depth + 1, std::move(v), vt));
    fields[i].type = child_type;
  }
  type = DataType::structure(std::move(fields));
  value = Value::structure(std::move(values));
  return ok_status();
}

bool remove_at(TypePtr& type, Value& value, const FieldPath& path, size_t depth) {
  if (type->kind() != TypeKind::kStruct || path[depth].array_depth > 0) return false;
  int i = type->field_index(path[depth].name);
  if (i < 0) return false;
  if (!value.is_null() && (value.kind() != Value::Kind::kStruct ||
                           value.as_struct().fields.size() != type->fields().size()))
    return false;
  std::vector<Field> fields = type->fields();
  std::vector<Value> values =
      value.is_null() ? std::vector<Value>(fields.size()) : value.as_struct().fields;
  if (depth + 1 == path.size()) {
    fields.erase(fields.begin() + i);
    values.erase(values.begin() + i);
  } else {
    if (!remove_at(fields[i].type, values[i], path, depth + 1)) return false;
  }
  bool was_null = value.is_null();
  type = DataType::structure(std::move(fields));
  value = was_null ? Value() : Value::structure(std::move(values));
  return true;
}

}  // namespace

bool Record::has(std::string_view path) const { return type_of(path) != nullptr; }

Value Record::get(std::string_view path) const {
  auto p = parse_path(path);
  if (!p.ok()) return Value();
  TypePtr t;
  const Value* v;
  if (!lookup(schema_, value(), *p, &t, &v)) return Value();
  return *v;
}

TypePtr Record::type_of(std::string_view path) const {
  auto p = parse_path(path);
  if (!p.ok()) return nullptr;
  TypePtr t;
  const Value* v;
  if (!lookup(schema_, value(), *p, &t, &v)) return nullptr;
  return t;
}

namespace {

// Whether a field of type `current` can take `value` (whose own type is
// `type`) unchanged: scalars by fits(); nested values only when their type
// is the same (fits() only looks at the outer kind).
bool keeps_type(const Value& value, const TypePtr& type, const DataType& current) {
  switch (value.kind()) {
    case Value::Kind::kList:
    case Value::Kind::kMap:
    case Value::Kind::kStruct:
      return type && type->equals(current);
    default:
      return fits(value, current);
  }
}

}  // namespace

namespace {

// `schema` with field `index` retyped, or (index -1) with `name` added.
// Records of a Map that adds a field derive the same schema from the same
// batch schema record after record: the last result is kept per thread and
// handed out again, so the records share one schema object (merged and
// mapped once by the Map node instead of per record).
TypePtr derived_schema(const TypePtr& schema, int index, std::string_view name, TypePtr type) {
  struct Last {
    TypePtr base, type, result;
    int index = -1;
    std::string name;
  };
  thread_local Last last;
  if (last.base == schema && last.index == index && (index >= 0 || last.name == name) &&
      (last.type == type || last.type->equals(*type)))
    return last.result;
  std::vector<Field> fields = schema->fields();
  if (index >= 0) {
    fields[index].type = type;
  } else {
    fields.push_back({std::string(name), type});
  }
  last.base = schema;
  last.index = index;
  last.name = index >= 0 ? std::string() : std::string(name);
  last.type = std::move(type);
  last.result = DataType::structure(std::move(fields));
  return last.result;
}

}  // namespace

Status Record::assign(std::string_view path, Value value, TypePtr type) {
  if (path.empty()) return invalid_input("cannot set a field with an empty name");
  int i = schema_->field_index(path);
  const bool top_level = i >= 0 || path.find_first_of(".`[") == std::string_view::npos;
  if (!top_level) {
    TypePtr current = type_of(path);
    if (current && keeps_type(value, type, *current)) type = std::move(current);
    return set(path, std::move(value), std::move(type));
  }
  // An exact top-level name (even one with dots in it): no path parsing.
  if (value_.kind() != Value::Kind::kStruct ||
      value_.as_struct().fields.size() != schema_->fields().size())
    return invalid_input("cannot set '" + std::string(path) +
                         "': the record's values do not match its schema");
  // value_ is not a const object, so writing through the const accessor is fine.
  auto& values = const_cast<Value::Struct&>(value_.as_struct()).fields;
  if (i >= 0 && i < kMaxLazyFields) {
    unread_ &= ~(uint64_t{1} << i);
    written_ |= uint64_t{1} << i;
  }
  if (i >= 0 && keeps_type(value, type, *schema_->fields()[i].type)) {
    values[i] = std::move(value);  // the schema (often the batch's) stays shared
    return ok_status();
  }
  if (!type) return invalid_input("set '" + std::string(path) + "': no type");
  schema_ = derived_schema(schema_, i, path, std::move(type));
  if (i >= 0) {
    values[i] = std::move(value);
  } else {
    values.push_back(std::move(value));
  }
  return ok_status();
}

Status Record::set(std::string_view path, Value value) {
  TypePtr current = type_of(path);
  TypePtr t = current && fits(value, *current) ? current : infer_type(value);
  if (!t)
    return invalid_input(
        "set '" + std::string(path) +
        "': the type of a struct value cannot be inferred (use set_record or pass a type)");
  return set(path, std::move(value), std::move(t));
}

Status Record::set(std::string_view path, Value value, TypePtr type) {
  MORTAR_ASSIGN_OR_RETURN(FieldPath p, parse_path(path));
  if (!type) return invalid_input("set '" + std::string(path) + "': no type");
  forget_source();
  return set_at(schema_, value_, p, 0, std::move(value), type);
}

Status Record::set_record(std::string_view path, const Record& record) {
  return set(path, record.value(), record.schema());
}

bool Record::remove(std::string_view path) {
  auto p = parse_path(path);
  if (!p.ok()) return false;
  forget_source();
  return remove_at(schema_, value_, *p, 0);
}

TypePtr Record::infer_type(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return DataType::null();
    case Value::Kind::kBool:
      return DataType::boolean();
    case Value::Kind::kInt:
      return DataType::bigint();
    case Value::Kind::kDouble:
      return DataType::float64();
    case Value::Kind::kDecimal:
      return DataType::decimal(38, v.as_decimal().scale);
    case Value::Kind::kString:
      return DataType::string();
    case Value::Kind::kDate:
      return DataType::date();
    case Value::Kind::kTimestamp:
      return DataType::timestamp();
    case Value::Kind::kList: {
      TypePtr element = DataType::null();
      for (const Value& item : v.as_list().items) {
        TypePtr t = infer_type(item);
        if (!t) return nullptr;
        element = merge_types(element, t);
      }
      return DataType::array(element);
    }
    case Value::Kind::kMap: {
      TypePtr k = DataType::null(), val = DataType::null();
      for (const Value& item : v.as_map().keys) {
        TypePtr t = infer_type(item);
        if (!t) return nullptr;
        k = merge_types(k, t);
      }
      for (const Value& item : v.as_map().values) {
        TypePtr t = infer_type(item);
        if (!t) return nullptr;
        val = merge_types(val, t);
      }
      return DataType::map(k, val);
    }
    case Value::Kind::kStruct:
      return nullptr;  // names unknown
  }
  return DataType::null();
}

std::string Record::to_json() const {
  std::string out;
  append_value_json(out, value(), *schema_);
  return out;
}

void append_value_json(std::string& out, const Value& v, const DataType& t) {
  if (v.is_null()) {
    out += "null";
    return;
  }
  switch (v.kind()) {
    case Value::Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::kInt:
      out += std::to_string(v.as_int());
      return;
    case Value::Kind::kDouble: {
      double d = v.as_double();
      if (std::isnan(d) || std::isinf(d)) {
        out += '"';
        formats::append_double(out, d);
        out += '"';
      } else if (t.kind() == TypeKind::kFloat) {
        formats::append_float(out, static_cast<float>(d));
      } else {
        formats::append_double(out, d);
      }
      return;
    }
    case Value::Kind::kDecimal:
      out += types::format_decimal(v.as_decimal().unscaled, v.as_decimal().scale);
      return;
    case Value::Kind::kString:
      types::append_json_string(out, v.as_string());
      return;
    case Value::Kind::kDate:
      out += '"' + types::format_date(v.as_date()) + '"';
      return;
    case Value::Kind::kTimestamp:
      out += '"' + types::format_timestamp(v.as_timestamp()) + '"';
      return;
    default:
      break;
  }
  // Nested values: a choice type holds them in its matching alternative.
  const DataType* type = &t;
  if (t.kind() == TypeKind::kChoice) {
    int a = alternative_for_value(t, v);
    if (a < 0) {
      out += "null";
      return;
    }
    type = t.fields()[a].type.get();
  }
  static const DataType& kNullType = *DataType::null();
  switch (v.kind()) {
    case Value::Kind::kList: {
      const DataType& et = type->kind() == TypeKind::kArray ? *type->element() : kNullType;
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list().items) {
        if (!first) out += ", ";
        first = false;
        append_value_json(out, item, et);
      }
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      const auto& m = v.as_map();
      out += '{';
      for (size_t i = 0; i < m.keys.size() && i < m.values.size(); ++i) {
        if (i) out += ", ";
        if (m.keys[i].kind() == Value::Kind::kString) {
          types::append_json_string(out, m.keys[i].as_string());
        } else {
          std::string key;
          append_value_json(key, m.keys[i],
                            type->kind() == TypeKind::kMap ? *type->key() : kNullType);
          types::append_json_string(out, key);
        }
        out += ": ";
        append_value_json(out, m.values[i],
                          type->kind() == TypeKind::kMap ? *type->value() : kNullType);
      }
      out += '}';
      return;
    }
    case Value::Kind::kStruct: {
      const auto& fields = v.as_struct().fields;
      out += '{';
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ", ";
        std::string name =
            i < type->fields().size() ? type->fields()[i].name : "_" + std::to_string(i);
        types::append_json_string(out, name);
        out += ": ";
        append_value_json(out, fields[i],
                          i < type->fields().size() ? *type->fields()[i].type : kNullType);
      }
      out += '}';
      return;
    }
    default:
      out += v.to_string();
      return;
  }
}

}  // namespace mortar::engine
