// DataType factories, printing and equality. The parser is in type_parser.cc.
#include "types/data_type.h"

#include <array>

namespace mortar::types {
namespace {

TypePtr make(TypeKind kind, int precision = 0, int scale = 0, int length = 0,
             std::vector<Field> fields = {}) {
  return std::make_shared<const DataType>(kind, precision, scale, length, std::move(fields));
}

// A struct field name prints bare when it is a plain identifier; anything else
// is back-quoted with inner back-quotes doubled (Hive's quoting).
bool is_plain_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

void append_name(std::string& out, std::string_view name) {
  if (is_plain_name(name)) {
    out += name;
    return;
  }
  out += '`';
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
}

void append_type(std::string& out, const DataType& t) {
  switch (t.kind()) {
    case TypeKind::kNull: out += "null"; return;
    case TypeKind::kBoolean: out += "boolean"; return;
    case TypeKind::kTinyInt: out += "tinyint"; return;
    case TypeKind::kSmallInt: out += "smallint"; return;
    case TypeKind::kInt: out += "int"; return;
    case TypeKind::kBigInt: out += "bigint"; return;
    case TypeKind::kFloat: out += "float"; return;
    case TypeKind::kDouble: out += "double"; return;
    case TypeKind::kDecimal:
      out += "decimal(" + std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")";
      return;
    case TypeKind::kString: out += "string"; return;
    case TypeKind::kVarchar: out += "varchar(" + std::to_string(t.length()) + ")"; return;
    case TypeKind::kChar: out += "char(" + std::to_string(t.length()) + ")"; return;
    case TypeKind::kBinary: out += "binary"; return;
    case TypeKind::kDate: out += "date"; return;
    case TypeKind::kTimestamp: out += "timestamp"; return;
    case TypeKind::kArray:
      out += "array<";
      append_type(out, *t.element());
      out += '>';
      return;
    case TypeKind::kMap:
      out += "map<";
      append_type(out, *t.key());
      out += ',';
      append_type(out, *t.value());
      out += '>';
      return;
    case TypeKind::kStruct:
      out += "struct<";
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (i) out += ',';
        append_name(out, t.fields()[i].name);
        out += ':';
        append_type(out, *t.fields()[i].type);
      }
      out += '>';
      return;
    case TypeKind::kChoice:
      out += "choice<";
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (i) out += ',';
        append_type(out, *t.fields()[i].type);
      }
      out += '>';
      return;
  }
}

}  // namespace

int DataType::field_index(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string DataType::to_string() const {
  std::string out;
  append_type(out, *this);
  return out;
}

bool DataType::equals(const DataType& other) const {
  if (this == &other) return true;
  if (kind_ != other.kind_ || precision_ != other.precision_ || scale_ != other.scale_ ||
      length_ != other.length_ || fields_.size() != other.fields_.size()) {
    return false;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Field& a = fields_[i];
    const Field& b = other.fields_[i];
    if (a.name != b.name) return false;
    if (a.type == b.type) continue;
    if (!a.type || !b.type || !a.type->equals(*b.type)) return false;
  }
  return true;
}

// Primitive types are shared singletons (cheap to hand out for wide schemas).
#define MORTAR_SINGLETON(fn, kind)          \
  TypePtr DataType::fn() {                  \
    static const TypePtr instance = make(kind); \
    return instance;                        \
  }
MORTAR_SINGLETON(null, TypeKind::kNull)
MORTAR_SINGLETON(boolean, TypeKind::kBoolean)
MORTAR_SINGLETON(tinyint, TypeKind::kTinyInt)
MORTAR_SINGLETON(smallint, TypeKind::kSmallInt)
MORTAR_SINGLETON(int32, TypeKind::kInt)
MORTAR_SINGLETON(bigint, TypeKind::kBigInt)
MORTAR_SINGLETON(float32, TypeKind::kFloat)
MORTAR_SINGLETON(float64, TypeKind::kDouble)
MORTAR_SINGLETON(string, TypeKind::kString)
MORTAR_SINGLETON(binary, TypeKind::kBinary)
MORTAR_SINGLETON(date, TypeKind::kDate)
MORTAR_SINGLETON(timestamp, TypeKind::kTimestamp)
#undef MORTAR_SINGLETON

TypePtr DataType::decimal(int precision, int scale) {
  return make(TypeKind::kDecimal, precision, scale);
}
TypePtr DataType::varchar(int length) { return make(TypeKind::kVarchar, 0, 0, length); }
TypePtr DataType::chr(int length) { return make(TypeKind::kChar, 0, 0, length); }

TypePtr DataType::array(TypePtr element) {
  return make(TypeKind::kArray, 0, 0, 0, {Field{"element", std::move(element)}});
}

TypePtr DataType::map(TypePtr key, TypePtr value) {
  return make(TypeKind::kMap, 0, 0, 0,
              {Field{"key", std::move(key)}, Field{"value", std::move(value)}});
}

TypePtr DataType::structure(std::vector<Field> fields) {
  return make(TypeKind::kStruct, 0, 0, 0, std::move(fields));
}

TypePtr DataType::choice(std::vector<TypePtr> alternatives) {
  std::vector<Field> fields;
  fields.reserve(alternatives.size());
  for (auto& t : alternatives) {
    std::string name = t->to_string();
    fields.push_back(Field{std::move(name), std::move(t)});
  }
  return make(TypeKind::kChoice, 0, 0, 0, std::move(fields));
}

}  // namespace mortar::types
