#include "formats/grok/grok_compiler.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <re2/re2.h>

#include "common/ascii.h"
#include "formats/grok/grok_patterns.h"

namespace mortar::formats::grok {

using types::DataType;
using types::TypePtr;

namespace {

// Bounds that keep a hostile pattern from exhausting memory at expansion.
constexpr size_t kMaxExpandedBytes = 4 << 20;
constexpr size_t kMaxDepth = 64;
constexpr int kMaxCaptures = 1000;

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Expander {
 public:
  explicit Expander(const GrokLibrary& library) : library_(library) {}

  // Expands `text`, the body of pattern `where` ("logFormat" at the top).
  Status expand(std::string_view text, const std::string& where, std::string* out) {
    size_t i = 0;
    while (i < text.size()) {
      if (out->size() > kMaxExpandedBytes)
        return invalid_input(fmt::format("grok pattern {} expands to more than {} bytes", where,
                                         kMaxExpandedBytes));
      char c = text[i];
      if (c == '\\') {
        if (i + 1 >= text.size())
          return invalid_input(fmt::format("grok pattern {} ends with a lone backslash", where));
        char n = text[i + 1];
        if ((n >= '1' && n <= '9') || n == 'k' || n == 'g')
          return invalid_input(fmt::format(
              "grok pattern {} uses a backreference (\\{}), which RE2 does not support", where, n));
        if (n == 'h' || n == 'H') {  // Oniguruma's hex digit
          out->append(n == 'h' ? "[0-9A-Fa-f]" : "[^0-9A-Fa-f]");
        } else {
          out->append(text.substr(i, 2));
        }
        i += 2;
      } else if (c == '[') {
        MORTAR_RETURN_IF_ERROR(copy_class(text, &i, where, out));
      } else if (c == '%' && i + 1 < text.size() && text[i + 1] == '{') {
        MORTAR_RETURN_IF_ERROR(reference(text, &i, where, out));
      } else if (c == '(') {
        MORTAR_RETURN_IF_ERROR(group(text, &i, where, out));
      } else {
        out->push_back(c);
        ++i;
      }
    }
    return ok_status();
  }

  std::vector<GrokField> fields;
  std::vector<int> group_field;

 private:
  // A bracketed class, copied as is (']' first and escapes stay inside).
  Status copy_class(std::string_view text, size_t* i, const std::string& where, std::string* out) {
    size_t j = *i + 1;
    if (j < text.size() && text[j] == '^') ++j;
    if (j < text.size() && text[j] == ']') ++j;
    int depth = 1;
    while (j < text.size() && depth > 0) {
      if (text[j] == '\\') {
        j += 2;
        continue;
      }
      if (text[j] == '[' && j + 1 < text.size() && text[j + 1] == ':') {
        size_t end = text.find(":]", j + 2);
        if (end != std::string_view::npos) {
          j = end + 2;
          continue;
        }
      }
      if (text[j] == '[') ++depth;
      if (text[j] == ']') --depth;
      ++j;
    }
    if (depth > 0)
      return invalid_input(fmt::format("grok pattern {}: unterminated [ character class", where));
    // Oniguruma's \h (hex digit) inside a class, spelled out for RE2.
    for (size_t k = *i; k < j; ++k) {
      if (text[k] == '\\' && k + 1 < j) {
        if (text[k + 1] == 'h') {
          out->append("0-9A-Fa-f");
        } else {
          out->append(text.substr(k, 2));
        }
        ++k;
      } else {
        out->push_back(text[k]);
      }
    }
    *i = j;
    return ok_status();
  }

  // Opens a capture of `field` typed `type`; returns the group's RE2 name.
  std::string open_capture(const std::string& field, TypePtr type) {
    int index = -1;
    for (size_t f = 0; f < fields.size(); ++f)
      if (fields[f].name == field) index = static_cast<int>(f);
    if (index < 0) {
      index = static_cast<int>(fields.size());
      fields.push_back({field, std::move(type)});
    }
    group_field.push_back(index);
    return fmt::format("(?P<g{}>", group_field.size());
  }

  Status check_capture_count(const std::string& where) {
    if (static_cast<int>(group_field.size()) >= kMaxCaptures)
      return invalid_input(fmt::format("grok pattern {} has more than {} captures", where,
                                       kMaxCaptures));
    return ok_status();
  }

  Status group(std::string_view text, size_t* i, const std::string& where, std::string* out) {
    std::string_view rest = text.substr(*i);
    auto lookaround = [&](std::string_view kind) {
      return invalid_input(fmt::format(
          "grok pattern {} uses lookaround {}...), which RE2 does not support", where, kind));
    };
    for (std::string_view kind : {"(?=", "(?!", "(?<=", "(?<!"})
      if (rest.substr(0, kind.size()) == kind) return lookaround(kind);
    if (rest.substr(0, 3) == "(?>") {  // atomic: RE2 never backtracks anyway
      out->append("(?:");
      *i += 3;
      return ok_status();
    }
    size_t name_at = 0;
    if (rest.substr(0, 3) == "(?<") name_at = 3;
    if (rest.substr(0, 4) == "(?P<") name_at = 4;
    if (name_at > 0) {
      size_t end = rest.find('>', name_at);
      std::string_view name =
          end == std::string_view::npos ? std::string_view() : rest.substr(name_at, end - name_at);
      if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
            return is_name_char(c) || c == '.' || c == '@' || c == '[' || c == ']' || c == '-';
          }))
        return invalid_input(fmt::format("grok pattern {}: bad named group '{}'", where,
                                         rest.substr(0, std::min<size_t>(rest.size(), 40))));
      MORTAR_RETURN_IF_ERROR(check_capture_count(where));
      out->append(open_capture(std::string(name), DataType::string()));
      *i += end + 1;
      return ok_status();
    }
    out->push_back('(');
    *i += 1;
    return ok_status();
  }

  Status reference(std::string_view text, size_t* i, const std::string& where, std::string* out) {
    size_t end = text.find('}', *i);
    if (end == std::string_view::npos)
      return invalid_input(fmt::format("grok pattern {}: unterminated %{{", where));
    std::string_view spec = text.substr(*i + 2, end - *i - 2);
    *i = end + 1;
    std::vector<std::string_view> parts;
    size_t from = 0;
    for (;;) {
      size_t colon = spec.find(':', from);
      parts.push_back(spec.substr(from, colon == std::string_view::npos ? colon : colon - from));
      if (colon == std::string_view::npos) break;
      from = colon + 1;
    }
    std::string_view name = parts[0];
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char) || parts.size() > 3)
      return invalid_input(fmt::format("grok pattern {}: bad reference %{{{}}}", where, spec));
    const std::string* body = library_.find(name);
    if (body == nullptr)
      return invalid_input(fmt::format("grok pattern {}: unknown pattern %{{{}}}", where, name));
    std::string sub_name(name);
    if (std::find(stack_.begin(), stack_.end(), sub_name) != stack_.end()) {
      std::string chain;
      for (const auto& s : stack_) chain += s + " -> ";
      return invalid_input(fmt::format("grok pattern cycle: {}{}", chain, sub_name));
    }
    if (stack_.size() >= kMaxDepth)
      return invalid_input(fmt::format("grok pattern {}: references nest deeper than {}", where,
                                       kMaxDepth));
    TypePtr type = DataType::string();
    if (parts.size() == 3) {
      type = grok_type(parts[2]);
      if (!type)
        return invalid_input(fmt::format(
            "grok pattern {}: unknown type '{}' in %{{{}}} (use int, long, float, double, "
            "boolean or string)",
            where, parts[2], spec));
    }
    bool capture = parts.size() >= 2 && !parts[1].empty();
    if (capture) {
      MORTAR_RETURN_IF_ERROR(check_capture_count(where));
      out->append(open_capture(std::string(parts[1]), type));
    } else {
      out->append("(?:");
    }
    stack_.push_back(sub_name);
    Status st = expand(*body, sub_name, out);
    stack_.pop_back();
    MORTAR_RETURN_IF_ERROR(st);
    out->push_back(')');
    return ok_status();
  }

  const GrokLibrary& library_;
  std::vector<std::string> stack_;
};

}  // namespace

TypePtr grok_type(std::string_view suffix) {
  std::string s = ascii_lower(suffix);
  if (s == "int" || s == "integer") return DataType::int32();
  if (s == "long") return DataType::bigint();
  if (s == "float") return DataType::float32();
  if (s == "double") return DataType::float64();
  if (s == "boolean" || s == "bool") return DataType::boolean();
  if (s == "string") return DataType::string();
  return nullptr;
}

GrokLibrary::GrokLibrary() {
  for (const auto& def : builtin_grok_patterns())
    patterns_.emplace(std::string(def.name), std::string(def.regex));
}

Status GrokLibrary::add_definitions(std::string_view text) {
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos || line[start] == '#') continue;
    line = line.substr(start);
    size_t name_end = 0;
    while (name_end < line.size() && is_name_char(line[name_end])) ++name_end;
    size_t body = line.find_first_not_of(" \t", name_end);
    if (name_end == 0 || name_end == line.size() || (line[name_end] != ' ' && line[name_end] != '\t') ||
        body == std::string_view::npos)
      return invalid_input(fmt::format(
          "customPatterns line {}: expected 'NAME regex', got '{}'", line_no, line));
    add(std::string(line.substr(0, name_end)), std::string(line.substr(body)));
  }
  return ok_status();
}

const std::string* GrokLibrary::find(std::string_view name) const {
  auto it = patterns_.find(name);
  return it == patterns_.end() ? nullptr : &it->second;
}

CompiledGrok::~CompiledGrok() = default;

StatusOr<std::unique_ptr<CompiledGrok>> compile_grok(const GrokLibrary& library,
                                                     std::string_view pattern) {
  if (pattern.empty()) return invalid_input("grok: the pattern (logFormat) is empty");
  Expander expander(library);
  std::string regex;
  MORTAR_RETURN_IF_ERROR(expander.expand(pattern, "logFormat", &regex));
  std::unique_ptr<CompiledGrok> g(new CompiledGrok());
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(int64_t{64} << 20);
  g->re_ = std::make_unique<RE2>(regex, opts);
  if (!g->re_->ok())
    return invalid_input(fmt::format("grok: the pattern does not compile with RE2: {}",
                                     g->re_->error()));
  if (g->re_->NumberOfCapturingGroups() < static_cast<int>(expander.group_field.size()))
    return internal_error("grok: capture groups out of step");
  // Unnamed groups "(...)" are captures for RE2 too: map groups by name.
  const auto& names = g->re_->CapturingGroupNames();
  g->group_field_.assign(g->re_->NumberOfCapturingGroups() + 1, -1);
  for (const auto& [group, name] : names) {
    if (name.size() < 2 || name[0] != 'g') continue;
    size_t k = std::stoul(name.substr(1));
    if (k >= 1 && k <= expander.group_field.size()) g->group_field_[group] = expander.group_field[k - 1];
  }
  g->fields_ = std::move(expander.fields);
  g->regex_ = std::move(regex);
  return g;
}

bool CompiledGrok::match(std::string_view line, std::vector<std::string_view>* values) const {
  const int n = static_cast<int>(group_field_.size());
  std::vector<re2::StringPiece> groups(n);
  if (!re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED,
                  groups.data(), n))
    return false;
  values->assign(fields_.size(), std::string_view());
  for (int k = 1; k < n; ++k) {
    int f = group_field_[k];
    if (f < 0 || groups[k].data() == nullptr) continue;
    // The first participating group of a repeated field name wins.
    if ((*values)[f].data() == nullptr) (*values)[f] = std::string_view(groups[k].data(), groups[k].size());
  }
  return true;
}

}  // namespace mortar::formats::grok
