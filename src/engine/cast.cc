#include "engine/cast.h"

#include <charconv>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "common/ascii.h"
#include "formats/json/json_text.h"
#include "formats/text_values.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::int128;
using types::TypeKind;
using types::TypePtr;
using types::Value;

namespace {

bool is_ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Spark spellings -> Hive spellings, as whole words outside back-quotes.
std::string hive_spelling(std::string_view text) {
  static const std::pair<const char*, const char*> kAliases[] = {{"long", "bigint"},
                                                                 {"short", "smallint"},
                                                                 {"byte", "tinyint"},
                                                                 {"integer", "int"},
                                                                 {"bool", "boolean"}};
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '`') {
      size_t end = text.find('`', i + 1);
      if (end == std::string_view::npos) end = text.size() - 1;
      out.append(text.substr(i, end - i + 1));
      i = end + 1;
      continue;
    }
    if (!is_ident(text[i])) {
      out += text[i++];
      continue;
    }
    size_t start = i;
    while (i < text.size() && is_ident(text[i])) ++i;
    std::string word(text.substr(start, i - start));
    // A word followed by ':' is a struct field name, not a type.
    size_t k = i;
    while (k < text.size() && text[k] == ' ') ++k;
    bool field_name = k < text.size() && text[k] == ':';
    std::string lw = ascii_lower(word);
    bool replaced = false;
    if (!field_name) {
      for (const auto& [from, to] : kAliases) {
        if (lw == from) {
          out += to;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += word;
  }
  return out;
}

}  // namespace

StatusOr<TypePtr> parse_glue_type(std::string_view text) {
  std::string t = ascii_lower(text);
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }),
          t.end());
  if (t == "array" || t == "struct" || t == "map") return TypePtr();
  if (t == "decimal") return DataType::decimal(10, 2);
  if (t == "choice") return invalid_input("cannot cast to a choice type");
  auto parsed = DataType::parse(hive_spelling(text));
  if (!parsed.ok()) return annotate(parsed.status(), "type '" + std::string(text) + "'");
  if ((*parsed)->kind() == TypeKind::kChoice) return invalid_input("cannot cast to a choice type");
  return parsed;
}

std::string glue_type_name(const DataType& type) {
  switch (type.kind()) {
    case TypeKind::kNull:
      return "null";
    case TypeKind::kBoolean:
      return "boolean";
    case TypeKind::kTinyInt:
      return "byte";
    case TypeKind::kSmallInt:
      return "short";
    case TypeKind::kInt:
      return "int";
    case TypeKind::kBigInt:
      return "long";
    case TypeKind::kFloat:
      return "float";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kDecimal:
      return "decimal";
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
      return "string";
    case TypeKind::kBinary:
      return "binary";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kTimestamp:
      return "timestamp";
    case TypeKind::kArray:
      return "array";
    case TypeKind::kMap:
      return "map";
    case TypeKind::kStruct:
      return "struct";
    case TypeKind::kChoice:
      return "choice";
  }
  return "unknown";
}

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;

bool is_integer(TypeKind k) {
  return k == TypeKind::kTinyInt || k == TypeKind::kSmallInt || k == TypeKind::kInt ||
         k == TypeKind::kBigInt;
}
bool is_text(TypeKind k) {
  return k == TypeKind::kString || k == TypeKind::kVarchar || k == TypeKind::kChar;
}

Value int_in_range(int64_t v, TypeKind k) {
  switch (k) {
    case TypeKind::kTinyInt:
      return v >= INT8_MIN && v <= INT8_MAX ? Value::integer(v) : Value();
    case TypeKind::kSmallInt:
      return v >= INT16_MIN && v <= INT16_MAX ? Value::integer(v) : Value();
    case TypeKind::kInt:
      return v >= INT32_MIN && v <= INT32_MAX ? Value::integer(v) : Value();
    default:
      return Value::integer(v);
  }
}

Value int_from_double(double d, TypeKind k) {
  if (std::isnan(d) || d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) return Value();
  return int_in_range(static_cast<int64_t>(std::trunc(d)), k);
}

double decimal_to_double(int128 unscaled, int scale) {
  return static_cast<double>(unscaled) / std::pow(10.0, scale);
}

// Trims ASCII blanks, as Spark does before parsing numbers and dates.
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Value from_string(const std::string& raw, const DataType& to) {
  std::string_view s = trim(raw);
  TypeKind k = to.kind();
  if (is_integer(k)) {
    int64_t v;
    if (formats::parse_int64(s, &v)) return int_in_range(v, k);
    double d;  // "12.7" -> 12, as Spark's cast does
    if (s.find_first_of("eEnN") == std::string_view::npos && formats::parse_double(s, &d))
      return int_from_double(d, k);
    return Value();
  }
  switch (k) {
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double d;
      return formats::parse_double(s, &d) ? Value::real(d) : Value();
    }
    case TypeKind::kDecimal: {
      int128 u;
      return types::try_parse_decimal(s, to.precision(), to.scale(), &u)
                 ? Value::decimal(u, to.scale())
                 : Value();
    }
    case TypeKind::kBoolean: {
      std::string l = ascii_lower(s);
      if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1")
        return Value::boolean(true);
      if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0")
        return Value::boolean(false);
      return Value();
    }
    case TypeKind::kDate: {
      int32_t d;
      if (types::try_parse_date(s, &d)) return Value::date(d);
      int64_t ts;
      if (types::try_parse_timestamp(s, &ts))
        return Value::date(static_cast<int32_t>(
            ts >= 0 ? ts / kMicrosPerDay : (ts - kMicrosPerDay + 1) / kMicrosPerDay));
      return Value();
    }
    case TypeKind::kTimestamp: {
      int64_t ts;
      return types::try_parse_timestamp(s, &ts) ? Value::timestamp(ts) : Value();
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary:
      return Value::string(raw);
    default:
      return Value();
  }
}

std::string to_text(const Value& v, const DataType& from) {
  std::string out;
  switch (v.kind()) {
    case Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(v.as_int());
    case Value::Kind::kDouble:
      if (from.kind() == TypeKind::kFloat) {
        formats::append_float(out, static_cast<float>(v.as_double()));
      } else {
        formats::append_double(out, v.as_double());
      }
      return out;
    case Value::Kind::kDecimal:
      return types::format_decimal(v.as_decimal().unscaled, v.as_decimal().scale);
    case Value::Kind::kString:
      return v.as_string();
    case Value::Kind::kDate:
      return types::format_date(v.as_date());
    case Value::Kind::kTimestamp:
      return types::format_timestamp(v.as_timestamp());
    default:
      return v.to_string();
  }
}

}  // namespace

Value cast_value(const Value& v, const DataType& from, const DataType& to) {
  if (v.is_null()) return v;
  TypeKind k = to.kind();
  if (is_text(k)) return Value::string(to_text(v, from));
  switch (v.kind()) {
    case Value::Kind::kString:
      return from_string(v.as_string(), to);
    case Value::Kind::kBool:
      if (is_integer(k)) return Value::integer(v.as_bool() ? 1 : 0);
      if (k == TypeKind::kFloat || k == TypeKind::kDouble) return Value::real(v.as_bool() ? 1 : 0);
      if (k == TypeKind::kDecimal) return from_string(v.as_bool() ? "1" : "0", to);
      if (k == TypeKind::kBoolean) return v;
      return Value();
    case Value::Kind::kInt: {
      int64_t i = v.as_int();
      if (is_integer(k)) return int_in_range(i, k);
      if (k == TypeKind::kFloat || k == TypeKind::kDouble)
        return Value::real(static_cast<double>(i));
      if (k == TypeKind::kBoolean) return Value::boolean(i != 0);
      if (k == TypeKind::kDecimal) return from_string(std::to_string(i), to);
      if (k == TypeKind::kTimestamp) {  // seconds since the epoch, as Spark
        if (i > INT64_MAX / kMicrosPerSecond || i < INT64_MIN / kMicrosPerSecond) return Value();
        return Value::timestamp(i * kMicrosPerSecond);
      }
      return Value();
    }
    case Value::Kind::kDouble: {
      double d = v.as_double();
      if (is_integer(k)) return int_from_double(d, k);
      if (k == TypeKind::kFloat || k == TypeKind::kDouble) return Value::real(d);
      if (k == TypeKind::kBoolean) return Value::boolean(d != 0);
      if (k == TypeKind::kDecimal) {
        if (!std::isfinite(d)) return Value();
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.17g", d);
        return from_string(buf, to);
      }
      if (k == TypeKind::kTimestamp) {
        if (!std::isfinite(d) || std::fabs(d) > 9.2e12) return Value();
        return Value::timestamp(static_cast<int64_t>(std::llround(d * kMicrosPerSecond)));
      }
      return Value();
    }
    case Value::Kind::kDecimal: {
      const auto& dec = v.as_decimal();
      if (k == TypeKind::kFloat || k == TypeKind::kDouble)
        return Value::real(decimal_to_double(dec.unscaled, dec.scale));
      if (is_integer(k)) {
        int128 whole = dec.unscaled / types::pow10_int128(dec.scale);
        if (whole > INT64_MAX || whole < INT64_MIN) return Value();
        return int_in_range(static_cast<int64_t>(whole), k);
      }
      if (k == TypeKind::kDecimal)
        return from_string(types::format_decimal(dec.unscaled, dec.scale), to);
      if (k == TypeKind::kBoolean) return Value::boolean(dec.unscaled != 0);
      return Value();
    }
    case Value::Kind::kDate:
      if (k == TypeKind::kDate) return v;
      if (k == TypeKind::kTimestamp) return Value::timestamp(int64_t{v.as_date()} * kMicrosPerDay);
      return Value();
    case Value::Kind::kTimestamp: {
      int64_t ts = v.as_timestamp();
      if (k == TypeKind::kTimestamp) return v;
      if (k == TypeKind::kDate)
        return Value::date(static_cast<int32_t>(
            ts >= 0 ? ts / kMicrosPerDay : (ts - kMicrosPerDay + 1) / kMicrosPerDay));
      if (k == TypeKind::kBigInt || k == TypeKind::kInt) {
        int64_t secs =
            ts >= 0 ? ts / kMicrosPerSecond : (ts - kMicrosPerSecond + 1) / kMicrosPerSecond;
        return int_in_range(secs, k);
      }
      if (k == TypeKind::kDouble || k == TypeKind::kFloat)
        return Value::real(static_cast<double>(ts) / kMicrosPerSecond);
      return Value();
    }
    default:
      return Value();
  }
}

namespace {

// Appends row `row` of `src` cast to out's type.
Status append_cast(Column& out, const Column& src, int64_t row) {
  if (src.is_null(row)) {
    out.append_null();
    return ok_status();
  }
  const DataType& from = *src.type();
  const DataType& to = *out.type();
  if (from.kind() == TypeKind::kChoice) {
    int id = src.type_ids()[row];
    if (id < 0) {
      out.append_null();
      return ok_status();
    }
    return append_cast(out, src.child(id), src.child_index()[row]);
  }
  if (from.kind() == TypeKind::kNull) {
    out.append_null();
    return ok_status();
  }
  if (is_text(to.kind()) && from.is_nested()) {  // nested -> JSON text
    std::string text;
    formats::json::append_json_value(text, src, row);
    out.append_string(text);
    return ok_status();
  }
  if (to.kind() == TypeKind::kStruct) {
    if (from.kind() != TypeKind::kStruct) {
      out.append_null();
      return ok_status();
    }
    for (size_t i = 0; i < to.fields().size(); ++i) {
      int k = from.field_index(to.fields()[i].name);
      if (k < 0) {
        out.child(i).append_null();
      } else {
        MORTAR_RETURN_IF_ERROR(append_cast(out.child(i), src.child(k), row));
      }
    }
    out.append_struct_row();
    return ok_status();
  }
  if (to.kind() == TypeKind::kArray || to.kind() == TypeKind::kMap) {
    if (from.kind() != to.kind()) {
      out.append_null();
      return ok_status();
    }
    int64_t begin = src.offsets()[row], end = src.offsets()[row + 1];
    for (int64_t i = begin; i < end; ++i) {
      for (size_t c = 0; c < out.children().size(); ++c)
        MORTAR_RETURN_IF_ERROR(append_cast(out.child(c), src.child(c), i));
    }
    out.append_list_length(end - begin);
    return ok_status();
  }
  if (from.is_nested()) {
    out.append_null();
    return ok_status();
  }
  Value v = cast_value(types::get_value(src, row), from, to);
  // append_value leaves the column as it was when it refuses the value.
  if (v.is_null() || !types::append_value(out, v).ok()) out.append_null();
  return ok_status();
}

}  // namespace

namespace {

bool int_fits(int64_t v, TypeKind k) {
  switch (k) {
    case TypeKind::kTinyInt: return v >= INT8_MIN && v <= INT8_MAX;
    case TypeKind::kSmallInt: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeKind::kInt: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
  }
}

int64_t int_at(const Column& c, int64_t row) {
  switch (c.value_width()) {
    case 1: return c.value<int8_t>(row);
    case 2: return c.value<int16_t>(row);
    case 4: return c.value<int32_t>(row);
    default: return c.value<int64_t>(row);
  }
}

// Buffer-level casts for the common scalar pairs (integer widths, plain
// decimal digits to integers); rows they cannot decide take the general
// path, so results are the same. False when the pair has no fast path.
bool fast_cast(const Column& src, Column& out) {
  const TypeKind from = src.type()->kind(), to = out.type()->kind();
  if (!is_integer(to)) return false;
  const int64_t n = src.length();
  if (is_integer(from)) {
    for (int64_t r = 0; r < n; ++r) {
      int64_t v = int_at(src, r);
      if (src.is_null(r) || !int_fits(v, to)) {
        out.append_null();
      } else {
        out.append_int(v);
      }
    }
    return true;
  }
  if (!is_text(from)) return false;
  for (int64_t r = 0; r < n; ++r) {
    if (src.is_null(r)) {
      out.append_null();
      continue;
    }
    std::string_view text = src.string_at(r);
    int64_t v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data() + (!text.empty() && text[0] == '+'), end, v);
    if (!text.empty() && ec == std::errc() && ptr == end && int_fits(v, to)) {
      out.append_int(v);
    } else {
      (void)append_cast(out, src, r);  // spaces, "12.7", text, overflow...
    }
  }
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<Column>> cast_column(std::unique_ptr<Column> column,
                                              const TypePtr& target) {
  if (column->type()->equals(*target)) return column;
  return cast_column(*column, target);
}

StatusOr<std::unique_ptr<Column>> cast_column(const Column& column, const TypePtr& target) {
  if (column.type()->equals(*target)) return column.slice(0, column.length());
  auto out = std::make_unique<Column>(target);
  out->reserve(column.length());
  if (fast_cast(column, *out)) return out;
  for (int64_t r = 0; r < column.length(); ++r)
    MORTAR_RETURN_IF_ERROR(append_cast(*out, column, r));
  return out;
}

}  // namespace mortar::engine
