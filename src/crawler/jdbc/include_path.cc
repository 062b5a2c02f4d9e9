#include "crawler/jdbc/include_path.h"

#include <cctype>
#include <vector>

#include <fmt/format.h>

namespace mortar::crawler::jdbc {

namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    out.emplace_back(s.substr(start, slash == std::string_view::npos ? s.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

StatusOr<IncludePath> IncludePath::parse(std::string_view path, bool has_schemas) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty())
    return invalid_input(has_schemas ? "JdbcTarget Path is empty: give database/schema/table, e.g. mydb/public/%"
                                     : "JdbcTarget Path is empty: give database/table, e.g. mydb/%");
  std::vector<std::string> parts = split(path);
  for (const auto& p : parts)
    if (p.empty()) return invalid_input(fmt::format("JdbcTarget Path '{}' has an empty segment", path));
  IncludePath out;
  out.has_schemas_ = has_schemas;
  out.database_ = parts[0];
  if (out.database_.find('%') != std::string::npos)
    return invalid_input(fmt::format(
        "JdbcTarget Path '{}': the database segment cannot contain '%'; name one database", path));
  if (has_schemas) {
    if (parts.size() > 3)
      return invalid_input(fmt::format("JdbcTarget Path '{}' has more than database/schema/table", path));
    if (parts.size() > 1) out.schema_ = parts[1];
    if (parts.size() > 2) out.table_ = parts[2];
  } else {
    if (parts.size() > 3)
      return invalid_input(fmt::format("JdbcTarget Path '{}' has more than database/table", path));
    if (parts.size() == 3) {
      if (parts[1] != "%" && parts[1] != "main")
        return invalid_input(fmt::format(
            "JdbcTarget Path '{}': SQLite has no schemas; use database/table (or database/main/table)", path));
      out.table_ = parts[2];
    } else if (parts.size() == 2) {
      out.table_ = parts[1];
    }
    out.schema_ = "main";
  }
  return out;
}

bool IncludePath::like(std::string_view pattern, std::string_view name) {
  // Iterative wildcard match with backtracking to the last '%'.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && fold(pattern[p]) == fold(name[n])) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

bool IncludePath::matches_schema(std::string_view schema) const { return like(schema_, schema); }
bool IncludePath::matches_table(std::string_view table) const { return like(table_, table); }

std::string IncludePath::relative_path(std::string_view schema, std::string_view table) const {
  if (has_schemas_ && schema_.find('%') != std::string::npos)
    return fmt::format("{}/{}", schema, table);
  return std::string(table);
}

}  // namespace mortar::crawler::jdbc
