#include "types/json_text.h"

#include <charconv>
#include <cmath>

#include "types/base64.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace mortar::types {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t utf8_sequence(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

template <typename T>
void append_float(std::string& out, T v) {
  if (std::isnan(v)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  std::string_view s(buf, res.ptr - buf);
  out += s;
  if (s.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

void append_key_text(std::string& out, const Column& c, int64_t row) {
  // Map keys become object keys: strings as they are, anything else as its text.
  std::string text;
  append_json_value(text, c, row);
  if (text.size() >= 2 && text.front() == '"') {
    out += text;
  } else {
    append_json_string(out, text);
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; ++i; continue;
      case '\\': out += "\\\\"; ++i; continue;
      case '\n': out += "\\n"; ++i; continue;
      case '\r': out += "\\r"; ++i; continue;
      case '\t': out += "\\t"; ++i; continue;
      case '\b': out += "\\b"; ++i; continue;
      case '\f': out += "\\f"; ++i; continue;
      default: break;
    }
    if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
      continue;
    }
    size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  out += '"';
}

void append_json_value(std::string& out, const Column& c, int64_t row) {
  if (c.is_null(row)) {
    out += "null";
    return;
  }
  const DataType& t = *c.type();
  switch (t.kind()) {
    case TypeKind::kNull: out += "null"; return;
    case TypeKind::kBoolean: out += c.value<uint8_t>(row) ? "true" : "false"; return;
    case TypeKind::kTinyInt: out += std::to_string(c.value<int8_t>(row)); return;
    case TypeKind::kSmallInt: out += std::to_string(c.value<int16_t>(row)); return;
    case TypeKind::kInt: out += std::to_string(c.value<int32_t>(row)); return;
    case TypeKind::kBigInt: out += std::to_string(c.value<int64_t>(row)); return;
    case TypeKind::kFloat: append_float(out, c.value<float>(row)); return;
    case TypeKind::kDouble: append_float(out, c.value<double>(row)); return;
    case TypeKind::kDecimal:
      out += '"';
      append_decimal(out, c.value<int128>(row), t.scale());
      out += '"';
      return;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar: append_json_string(out, c.string_at(row)); return;
    case TypeKind::kBinary:
      out += '"';
      append_base64(out, c.string_at(row));
      out += '"';
      return;
    case TypeKind::kDate:
      out += '"';
      append_date(out, c.value<int32_t>(row));
      out += '"';
      return;
    case TypeKind::kTimestamp:
      out += '"';
      append_timestamp(out, c.value<int64_t>(row));
      out += '"';
      return;
    case TypeKind::kArray: {
      out += '[';
      for (int64_t i = c.offsets()[row]; i < c.offsets()[row + 1]; ++i) {
        if (i != c.offsets()[row]) out += ',';
        append_json_value(out, c.child(0), i);
      }
      out += ']';
      return;
    }
    case TypeKind::kMap: {
      out += '{';
      for (int64_t i = c.offsets()[row]; i < c.offsets()[row + 1]; ++i) {
        if (i != c.offsets()[row]) out += ',';
        append_key_text(out, c.child(0), i);
        out += ':';
        append_json_value(out, c.child(1), i);
      }
      out += '}';
      return;
    }
    case TypeKind::kStruct: {
      out += '{';
      for (size_t i = 0; i < t.fields().size(); ++i) {
        if (i) out += ',';
        append_json_string(out, t.fields()[i].name);
        out += ':';
        append_json_value(out, c.child(i), row);
      }
      out += '}';
      return;
    }
    case TypeKind::kChoice: {
      int id = c.type_ids()[row];
      if (id < 0) {
        out += "null";
      } else {
        append_json_value(out, c.child(id), c.child_index()[row]);
      }
      return;
    }
  }
}

void append_json_line(std::string& out, const RecordBatch& batch, int64_t row) {
  const auto& fields = batch.schema()->fields();
  out += '{';
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (i) out += ',';
    append_json_string(out, fields[i].name);
    out += ':';
    append_json_value(out, batch.column(i), row);
  }
  out += "}\n";
}

std::string to_json_lines(const RecordBatch& batch) {
  std::string out;
  for (int64_t r = 0; r < batch.num_rows(); ++r) append_json_line(out, batch, r);
  return out;
}

}  // namespace mortar::types
