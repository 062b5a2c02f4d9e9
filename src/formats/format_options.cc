#include "formats/format_options.h"

#include <cctype>

#include <fmt/format.h>

namespace mortar::formats {
namespace {
bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}
}  // namespace

std::optional<std::string> find_option(const Options& options, std::string_view name) {
  for (const auto& [k, v] : options)
    if (iequal(k, name)) return v;
  return std::nullopt;
}

StatusOr<bool> bool_option(const Options& options, std::string_view name, bool fallback) {
  auto v = find_option(options, name);
  if (!v) return fallback;
  if (iequal(*v, "true") || *v == "1" || iequal(*v, "yes")) return true;
  if (iequal(*v, "false") || *v == "0" || iequal(*v, "no")) return false;
  return invalid_input(fmt::format("option {}: expected true or false, got '{}'", name, *v));
}

StatusOr<int64_t> int_option(const Options& options, std::string_view name, int64_t fallback) {
  auto v = find_option(options, name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    long long n = std::stoll(*v, &used);
    if (used == v->size()) return static_cast<int64_t>(n);
  } catch (...) {
  }
  return invalid_input(
      fmt::format("option {}: expected an integer, got '{}'", name, *v));
}

StatusOr<char> char_option(const Options& options, std::string_view name, char fallback) {
  auto v = find_option(options, name);
  if (!v) return fallback;
  const std::string& s = *v;
  if (s.empty() || s == "-1") return '\0';
  if (s.size() == 1) return s[0];
  if (s == "\\t" || iequal(s, "tab")) return '\t';
  if (s == "\\\\") return '\\';
  if (s == "\\0") return '\0';
  if (iequal(s, "comma")) return ',';
  if (iequal(s, "pipe")) return '|';
  if (iequal(s, "semicolon")) return ';';
  if (iequal(s, "space")) return ' ';
  return invalid_input(fmt::format("option {}: expected a single character, got '{}'", name, s));
}

StatusOr<int64_t> max_record_size_option(const Options& options) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n, int_option(options, "maxRecordSize", kDefaultMaxRecordSize));
  if (n < 1 || n > kMaxMaxRecordSize)
    return invalid_input("option maxRecordSize: must be 1 byte .. 1 GiB");
  return n;
}

Status record_too_long(const std::string& path, int64_t line, int64_t byte_offset,
                       std::string_view what, int64_t limit, std::string_view advice) {
  return located_error(
      path, line, byte_offset,
      fmt::format("{} longer than maxRecordSize ({} bytes); {}", what, limit, advice));
}

Status located_error(const std::string& path, int64_t line, int64_t byte_offset,
                     std::string_view message) {
  return invalid_input(fmt::format("{}: line {} (byte offset {}): {}", path, line, byte_offset, message));
}

Status located_error(const std::string& path, int64_t byte_offset, std::string_view message) {
  return invalid_input(
      fmt::format("{}: byte offset {}: {}", path, byte_offset, message));
}

}  // namespace mortar::formats
