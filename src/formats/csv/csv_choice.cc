#include "formats/csv/csv_choice.h"

#include "formats/text_values.h"

namespace mortar::formats::csv {

using types::TypeKind;

bool is_csv_choice(const types::DataType& type) {
  if (type.kind() != TypeKind::kChoice || type.fields().empty()) return false;
  for (const auto& f : type.fields()) {
    if (f.type->is_nested() || f.type->kind() == TypeKind::kNull) return false;
  }
  return true;
}

bool append_parsed(types::Column& column, std::string_view v) {
  const types::DataType& type = *column.type();
  switch (type.kind()) {
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary:
      column.append_string(v);
      return true;
    case TypeKind::kBoolean: {
      bool b;
      if (!parse_bool(v, &b)) return false;
      column.append_bool(b);
      return true;
    }
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: {
      int64_t x;
      if (!parse_int64(v, &x)) return false;
      const int width = column.value_width();
      if (width < 8) {
        const int64_t hi = (int64_t{1} << (8 * width - 1)) - 1;
        if (x > hi || x < -hi - 1) return false;
      }
      column.append_int(x);
      return true;
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double x;
      if (!parse_double(v, &x)) return false;
      column.append_double(x);
      return true;
    }
    case TypeKind::kDecimal: {
      __int128 x;
      if (!parse_decimal(v, type.precision(), type.scale(), &x)) return false;
      column.append_decimal(x);
      return true;
    }
    case TypeKind::kDate: {
      int32_t d;
      if (!parse_date(v, &d)) return false;
      column.append_int(d);
      return true;
    }
    case TypeKind::kTimestamp: {
      int64_t t;
      int32_t d;
      if (parse_timestamp(v, &t)) {
        column.append_timestamp(t);
      } else if (parse_date(v, &d)) {
        column.append_timestamp(d * 86400000000LL);
      } else {
        return false;
      }
      return true;
    }
    default:
      return false;
  }
}

bool parses_as_double(std::string_view v) {
  // [+-]digits[.digits][(e|E)[+-]digits]: always taken by parse_double; its
  // full parse (from_chars) runs only for the other shapes (".5", "nan" ...).
  size_t i = 0;
  const size_t n = v.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && v[i] >= '0' && v[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && (v[i] == '-' || v[i] == '+')) ++i;
  bool plain = digits();
  if (plain && i < n && v[i] == '.') {
    ++i;
    plain = digits();
  }
  if (plain && i < n && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < n && (v[i] == '-' || v[i] == '+')) ++i;
    plain = digits();
  }
  if (plain && i == n) return true;
  double x;
  return parse_double(v, &x);
}

bool parses_as(const types::TypePtr& type, std::string_view v) {
  switch (type->kind()) {
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary:
      return true;
    case TypeKind::kBoolean: {
      bool b;
      return parse_bool(v, &b);
    }
    case TypeKind::kBigInt: {
      int64_t x;
      return parse_int64(v, &x);
    }
    case TypeKind::kDouble:
      return parses_as_double(v);
    case TypeKind::kDate: {
      int32_t d;
      return parse_date(v, &d);
    }
    case TypeKind::kTimestamp: {
      int64_t t;
      int32_t d;
      return parse_timestamp(v, &t) || parse_date(v, &d);
    }
    default: {  // the rarer kinds: parse into a scratch column
      types::Column scratch(type);
      return append_parsed(scratch, v);
    }
  }
}

bool append_choice_value(types::Column& column, std::string_view v) {
  auto& children = column.children();
  for (size_t k = 0; k < children.size(); ++k) {
    if (append_parsed(*children[k], v)) {
      column.append_choice_row(static_cast<int>(k));
      return true;
    }
  }
  return false;
}

}  // namespace mortar::formats::csv
