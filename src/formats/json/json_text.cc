#include "formats/json/json_text.h"

#include <cmath>

#include "formats/text_values.h"

namespace mortar::formats::json {

using types::Column;
using types::TypeKind;

void append_json_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {

bool is_stringish(TypeKind k) {
  return k == TypeKind::kString || k == TypeKind::kVarchar || k == TypeKind::kChar;
}

}  // namespace

void append_text_value(std::string& out, const Column& c, int64_t row) {
  const auto& t = *c.type();
  switch (t.kind()) {
    case TypeKind::kNull: return;
    case TypeKind::kBoolean: out += c.value<uint8_t>(row) ? "true" : "false"; return;
    case TypeKind::kTinyInt: append_int64(out, c.value<int8_t>(row)); return;
    case TypeKind::kSmallInt: append_int64(out, c.value<int16_t>(row)); return;
    case TypeKind::kInt: append_int64(out, c.value<int32_t>(row)); return;
    case TypeKind::kBigInt: append_int64(out, c.value<int64_t>(row)); return;
    case TypeKind::kFloat: append_float(out, c.value<float>(row)); return;
    case TypeKind::kDouble: append_double(out, c.value<double>(row)); return;
    case TypeKind::kDecimal: append_decimal(out, c.value<__int128>(row), t.scale()); return;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar: out += c.string_at(row); return;
    case TypeKind::kBinary: append_base64(out, c.string_at(row)); return;
    case TypeKind::kDate: append_date(out, c.value<int32_t>(row)); return;
    case TypeKind::kTimestamp: append_timestamp(out, c.value<int64_t>(row)); return;
    case TypeKind::kChoice: {
      const auto& child = c.child(static_cast<size_t>(c.type_ids()[row]));
      int64_t at = c.child_index()[row];
      if (child.is_null(at)) return;
      if (child.type()->is_nested()) append_json_value(out, child, at);
      else append_text_value(out, child, at);
      return;
    }
    default: append_json_value(out, c, row); return;
  }
}

void append_json_value(std::string& out, const Column& c, int64_t row) {
  if (c.is_null(row)) {
    out += "null";
    return;
  }
  const auto& t = *c.type();
  switch (t.kind()) {
    case TypeKind::kNull: out += "null"; return;
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double v = t.kind() == TypeKind::kFloat ? c.value<float>(row) : c.value<double>(row);
      if (std::isfinite(v)) {
        append_text_value(out, c, row);
      } else {
        out += '"';
        append_double(out, v);
        out += '"';
      }
      return;
    }
    case TypeKind::kBoolean:
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt:
    case TypeKind::kDecimal: append_text_value(out, c, row); return;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar: append_json_string(out, c.string_at(row)); return;
    case TypeKind::kBinary:
    case TypeKind::kDate:
    case TypeKind::kTimestamp: {
      std::string s;
      append_text_value(s, c, row);
      append_json_string(out, s);
      return;
    }
    case TypeKind::kArray: {
      out += '[';
      const auto& child = c.child(0);
      for (int64_t i = c.offsets()[row]; i < c.offsets()[row + 1]; ++i) {
        if (i > c.offsets()[row]) out += ',';
        append_json_value(out, child, i);
      }
      out += ']';
      return;
    }
    case TypeKind::kMap: {
      out += '{';
      const auto& keys = c.child(0);
      const auto& values = c.child(1);
      for (int64_t i = c.offsets()[row]; i < c.offsets()[row + 1]; ++i) {
        if (i > c.offsets()[row]) out += ',';
        if (is_stringish(keys.type()->kind())) {
          append_json_string(out, keys.string_at(i));
        } else {
          std::string k;
          append_text_value(k, keys, i);
          append_json_string(out, k);
        }
        out += ':';
        append_json_value(out, values, i);
      }
      out += '}';
      return;
    }
    case TypeKind::kStruct: {
      out += '{';
      for (size_t f = 0; f < t.fields().size(); ++f) {
        if (f) out += ',';
        append_json_string(out, t.fields()[f].name);
        out += ':';
        append_json_value(out, c.child(f), row);
      }
      out += '}';
      return;
    }
    case TypeKind::kChoice: {
      const auto& child = c.child(static_cast<size_t>(c.type_ids()[row]));
      append_json_value(out, child, c.child_index()[row]);
      return;
    }
  }
}

}  // namespace mortar::formats::json
