#include "formats/xml/xml_record.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "formats/format_options.h"
#include "formats/json/json_text.h"

namespace mortar::formats::xml {

namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// [+-]digits[.digits][(e|E)[+-]digits], with digits on one side of the '.'.
bool looks_decimal(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!all_digits(s.substr(i))) return false;
    return true;
  }
  return i == s.size();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != b[i]) return false;
  return true;
}

void append_scalar(std::string_view text, const XmlOptions& o, std::string& out) {
  std::string_view v = o.trim ? trim(text) : text;
  // Whitespace spanning lines is a pretty-printer's indentation of an empty
  // element, not a value.
  const bool layout = trim(v).empty() && v.find('\n') != std::string_view::npos;
  if (v.empty() || layout || (o.empty_as_null && trim(v).empty()) || (o.null_value && v == *o.null_value)) {
    out += "null";
    return;
  }
  std::string_view digits = (v[0] == '+' || v[0] == '-') ? v.substr(1) : v;
  if (all_digits(digits)) {
    int64_t n;
    std::string_view parse = v[0] == '+' ? v.substr(1) : v;
    auto [end, ec] = std::from_chars(parse.data(), parse.data() + parse.size(), n);
    if (ec == std::errc() && end == parse.data() + parse.size()) {
      fmt::format_to(std::back_inserter(out), "{}", n);
      return;
    }
  }
  if (looks_decimal(v)) {
    double d = std::strtod(std::string(v).c_str(), nullptr);
    if (std::isfinite(d)) {
      std::string s = fmt::format("{}", d);
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";
      out += s;
      return;
    }
  }
  if (iequals(v, "true") || iequals(v, "false")) {
    out += (v[0] | 0x20) == 't' ? "true" : "false";
    return;
  }
  json::append_json_string(out, v);
}

void append_element(const XmlElement& e, bool is_row, const XmlOptions& o, std::string& out) {
  const bool attrs = !o.exclude_attributes && !e.attributes.empty();
  if (!is_row && !attrs && e.children.empty()) {
    append_scalar(e.text, o, out);
    return;
  }
  out.push_back('{');
  bool first = true;
  auto key = [&](std::string_view prefix, std::string_view name) {
    if (!first) out.push_back(',');
    first = false;
    json::append_json_string(out, std::string(prefix) + std::string(name));
    out.push_back(':');
  };
  if (attrs) {
    for (const auto& [name, value] : e.attributes) {
      key(o.attribute_prefix, name);
      append_scalar(value, o, out);
    }
  }
  // Children grouped by name in first-seen order; a repeated name is an array.
  std::vector<std::pair<std::string_view, std::vector<const XmlElement*>>> groups;
  std::unordered_map<std::string_view, size_t> index;
  for (const auto& c : e.children) {
    auto [it, added] = index.emplace(c->name, groups.size());
    if (added) groups.emplace_back(c->name, std::vector<const XmlElement*>{});
    groups[it->second].second.push_back(c.get());
  }
  for (const auto& [name, members] : groups) {
    key("", name);
    if (members.size() == 1) {
      append_element(*members[0], false, o, out);
    } else {
      out.push_back('[');
      for (size_t i = 0; i < members.size(); ++i) {
        if (i) out.push_back(',');
        append_element(*members[i], false, o, out);
      }
      out.push_back(']');
    }
  }
  // Text beside attributes or children; whitespace between children is layout.
  if (!trim(e.text).empty()) {
    key("", o.value_tag);
    append_scalar(e.text, o, out);
  }
  out.push_back('}');
}

}  // namespace

StatusOr<XmlOptions> XmlOptions::parse(const Options& options) {
  XmlOptions o;
  auto row_tag = find_option(options, "rowTag");
  if (!row_tag || row_tag->empty())
    return invalid_input("XML needs the option rowTag: the element name of one record");
  o.row_tag = *row_tag;
  if (auto p = find_option(options, "attributePrefix")) o.attribute_prefix = *p;
  if (auto v = find_option(options, "valueTag")) {
    if (v->empty()) return invalid_input("option valueTag: must not be empty");
    o.value_tag = *v;
  }
  MORTAR_ASSIGN_OR_RETURN(o.exclude_attributes, bool_option(options, "excludeAttribute", false));
  MORTAR_ASSIGN_OR_RETURN(o.empty_as_null, bool_option(options, "treatEmptyValuesAsNulls", false));
  MORTAR_ASSIGN_OR_RETURN(o.trim, bool_option(options, "ignoreSurroundingSpaces", false));
  o.null_value = find_option(options, "nullValue");
  MORTAR_ASSIGN_OR_RETURN(o.max_record_size, max_record_size_option(options));
  if (auto e = find_option(options, "encoding"); e && !e->empty()) {
    std::string up;
    for (char c : *e) up.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    if (up == "UTF-8" || up == "UTF8") o.encoding = "UTF-8";
    else if (up == "ISO-8859-1" || up == "ISO8859-1" || up == "LATIN1" || up == "LATIN-1" ||
             up == "US-ASCII" || up == "ASCII")
      o.encoding = "ISO-8859-1";
    else
      return invalid_input(fmt::format(
          "option encoding: '{}' is not supported (UTF-8, ISO-8859-1/Latin-1, US-ASCII)", *e));
  }
  return o;
}

void record_to_json(const XmlElement& record, const XmlOptions& options, std::string& out) {
  append_element(record, true, options, out);
}

}  // namespace mortar::formats::xml
