#include "sql/pg_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "types/decimal.h"
#include "types/json_text.h"
#include "types/temporal.h"

namespace mortar::sql {

namespace {

using types::Column;
using types::TypeKind;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// COPY text's backslash escapes (\t \n \\ \NNN octal \xHH ...).
void unescape_copy(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\' || i + 1 >= in.size()) {
      out += c;
      continue;
    }
    char e = in[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && i + 1 < in.size() && hex_digit(in[i + 1]) >= 0) v = v * 16 + hex_digit(in[++i]), ++n;
        if (n == 0) out += 'x';
        else out += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0', n = 1;
          while (n < 3 && i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '7') v = v * 8 + (in[++i] - '0'), ++n;
          out += static_cast<char>(v);
        } else {
          out += e;  // \\ and any other escaped character stand for themselves
        }
    }
  }
}

Status bad(std::string_view text, const Column& col) {
  std::string shown(text.substr(0, 60));
  if (text.size() > 60) shown += "...";
  return invalid_input(fmt::format("'{}' is not a valid {}", shown, col.type()->to_string()));
}

bool parse_bool(std::string_view t, bool* v) {
  if (t == "t" || t == "true" || t == "1" || t == "TRUE" || t == "True") return *v = true, true;
  if (t == "f" || t == "false" || t == "0" || t == "FALSE" || t == "False") return *v = false, true;
  return false;
}

// Elements of an array literal appended to `elem`; returns the count.
StatusOr<int64_t> append_array(Column& elem, std::string_view text) {
  size_t i = 0;
  if (!text.empty() && text[0] == '[') {  // "[1:3]={...}": explicit bounds
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) return invalid_input("malformed array bounds");
    i = eq + 1;
  }
  int64_t count = 0;
  std::string item;
  int depth = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '{') {
      ++depth;
      ++i;
      continue;
    }
    if (c == '}') {
      --depth;
      ++i;
      continue;
    }
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (depth <= 0) return invalid_input("malformed array literal");
    item.clear();
    bool quoted = false;
    if (c == '"') {
      quoted = true;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        item += text[i++];
      }
      if (i >= text.size()) return invalid_input("unterminated quoted array element");
      ++i;
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '}') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        item += text[i++];
      }
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    }
    if (!quoted && (item == "NULL" || item == "null")) {
      elem.append_null();
    } else {
      MORTAR_RETURN_IF_ERROR(append_pg_text(elem, item));
    }
    ++count;
  }
  return count;
}

}  // namespace

void split_copy_row(std::string_view row, std::vector<std::string>& fields, std::vector<bool>& is_null) {
  size_t n = 0;
  size_t start = 0;
  for (;;) {
    size_t tab = row.find('\t', start);
    std::string_view raw = row.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start);
    if (fields.size() <= n) {
      fields.emplace_back();
      is_null.push_back(false);
    }
    if (raw == "\\N") {
      is_null[n] = true;
      fields[n].clear();
    } else {
      is_null[n] = false;
      if (raw.find('\\') == std::string_view::npos) fields[n].assign(raw);
      else unescape_copy(raw, fields[n]);
    }
    ++n;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  fields.resize(n);
  is_null.resize(n);
}

Status append_pg_text(Column& col, std::string_view t) {
  switch (col.type()->kind()) {
    case TypeKind::kBoolean: {
      bool v;
      if (!parse_bool(t, &v)) return bad(t, col);
      col.append_bool(v);
      return ok_status();
    }
    case TypeKind::kTinyInt:
    case TypeKind::kSmallInt:
    case TypeKind::kInt:
    case TypeKind::kBigInt: {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size()) return bad(t, col);
      col.append_int(v);
      return ok_status();
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      std::string s(t);
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) return bad(t, col);
      col.append_double(v);
      return ok_status();
    }
    case TypeKind::kDecimal: {
      types::int128 v;
      if (!types::try_parse_decimal(t, col.type()->precision(), col.type()->scale(), &v)) return bad(t, col);
      col.append_decimal(v);
      return ok_status();
    }
    case TypeKind::kDate: {
      int32_t d;
      if (!types::try_parse_date(t, &d)) return bad(t, col);
      col.append_int(d);
      return ok_status();
    }
    case TypeKind::kTimestamp: {
      int64_t us;
      if (!types::try_parse_timestamp(t, &us)) return bad(t, col);
      col.append_timestamp(us);
      return ok_status();
    }
    case TypeKind::kBinary: {
      if (t.size() >= 2 && t[0] == '\\' && t[1] == 'x') {  // bytea's hex output
        if (t.size() % 2 != 0) return bad(t, col);
        std::string bytes;
        bytes.reserve((t.size() - 2) / 2);
        for (size_t i = 2; i < t.size(); i += 2) {
          int hi = hex_digit(t[i]), lo = hex_digit(t[i + 1]);
          if (hi < 0 || lo < 0) return bad(t, col);
          bytes += static_cast<char>(hi * 16 + lo);
        }
        col.append_string(bytes);
      } else {
        col.append_string(t);  // bit strings: their '0'/'1' text
      }
      return ok_status();
    }
    case TypeKind::kArray: {
      MORTAR_ASSIGN_OR_RETURN(int64_t n, append_array(col.child(0), t));
      col.append_list_length(n);
      return ok_status();
    }
    default:
      col.append_string(t);
      return ok_status();
  }
}

namespace {

// COPY text escaping of one already-rendered value.
void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

// The value as PostgreSQL's input syntax for its mapped column type
// (unescaped); arrays as {..} literals with quoted elements.
void render_value(std::string& out, const Column& col, int64_t row, bool in_array) {
  if (col.is_null(row)) {
    out += "NULL";
    return;
  }
  auto quoted = [&](std::string_view s) {
    if (!in_array) {
      out += s;
      return;
    }
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  };
  switch (col.type()->kind()) {
    case TypeKind::kBoolean: out += col.value<uint8_t>(row) ? "true" : "false"; return;
    case TypeKind::kTinyInt: fmt::format_to(std::back_inserter(out), "{}", col.value<int8_t>(row)); return;
    case TypeKind::kSmallInt: fmt::format_to(std::back_inserter(out), "{}", col.value<int16_t>(row)); return;
    case TypeKind::kInt: fmt::format_to(std::back_inserter(out), "{}", col.value<int32_t>(row)); return;
    case TypeKind::kBigInt: fmt::format_to(std::back_inserter(out), "{}", col.value<int64_t>(row)); return;
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      double v = col.type()->kind() == TypeKind::kFloat ? col.value<float>(row) : col.value<double>(row);
      if (std::isnan(v)) out += "NaN";
      else if (std::isinf(v)) out += v > 0 ? "Infinity" : "-Infinity";
      else fmt::format_to(std::back_inserter(out), "{}", v);
      return;
    }
    case TypeKind::kDecimal:
      types::append_decimal(out, col.value<types::int128>(row), col.type()->scale());
      return;
    case TypeKind::kDate: types::append_date(out, col.value<int32_t>(row)); return;
    case TypeKind::kTimestamp: types::append_timestamp(out, col.value<int64_t>(row)); return;
    case TypeKind::kBinary: {
      std::string hex = "\\x";
      static const char* kHex = "0123456789abcdef";
      for (unsigned char c : col.string_at(row)) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      quoted(hex);
      return;
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
      quoted(col.string_at(row));
      return;
    case TypeKind::kArray: {
      if (!in_array && !col.type()->element()->is_nested()) {
        const auto& off = col.offsets();
        out += '{';
        for (int64_t i = off[row]; i < off[row + 1]; ++i) {
          if (i > off[row]) out += ',';
          render_value(out, col.child(0), i, true);
        }
        out += '}';
        return;
      }
      [[fallthrough]];
    }
    default: {  // structs, maps, nested arrays, choices: JSON text (a json/text column)
      std::string json;
      types::append_json_value(json, col, row);
      quoted(json);
    }
  }
}

}  // namespace

void append_copy_field(std::string& out, const Column& col, int64_t row) {
  if (col.is_null(row)) {
    out += "\\N";
    return;
  }
  const auto kind = col.type()->kind();
  if (kind == TypeKind::kString || kind == TypeKind::kVarchar || kind == TypeKind::kChar) {
    append_escaped(out, col.string_at(row));  // the common case, without a copy
    return;
  }
  if (kind == TypeKind::kBinary) {  // bytea hex input, its backslash escaped for COPY
    static const char* kHex = "0123456789abcdef";
    out += "\\\\x";
    for (unsigned char c : col.string_at(row)) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return;
  }
  if (!col.type()->is_nested()) {  // numbers, booleans, dates: nothing to escape
    render_value(out, col, row, false);
    return;
  }
  std::string text;
  render_value(text, col, row, false);
  append_escaped(out, text);
}

}  // namespace mortar::sql
