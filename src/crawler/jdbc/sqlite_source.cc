// SQLite: the file named by jdbc:sqlite:/path opened read-only; tables and
// views from sqlite_master, columns from pragma_table_info with their
// declared types.
#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "common/ascii.h"
#include "crawler/jdbc/jdbc_source.h"
#include "sql/jdbc_types.h"
#include "sql/sqlite_handle.h"

namespace mortar::crawler::jdbc {

using sql::sqlite_type_to_glue;
using sql::SqliteDb;
using sql::SqliteStmt;

namespace {

std::string text(sqlite3_stmt* s, int col) {
  const unsigned char* t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

void log_line(const JdbcRequest& r, const char* level, const std::string& msg) {
  if (r.log) r.log(level, msg);
}

// Name and declared type of each column of `table`, or the SQLite error.
StatusOr<std::vector<std::pair<std::string, std::string>>> read_columns(sqlite3* db, const std::string& table) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid", -1, &raw, nullptr) !=
      SQLITE_OK)
    return internal_error(sqlite3_errmsg(db));
  SqliteStmt stmt(raw);
  sqlite3_bind_text(raw, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::pair<std::string, std::string>> cols;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) cols.emplace_back(text(raw, 0), text(raw, 1));
  if (rc != SQLITE_DONE) return internal_error(sqlite3_errmsg(db));
  return cols;
}

}  // namespace

StatusOr<JdbcListing> list_sqlite(const JdbcRequest& r) {
  const std::string& file = r.url.path;
  const std::string where = fmt::format("connection {} (SQLite file {})", r.connection_name, file);
  // The include path names the database by the file's stem, or "main".
  const std::string stem = std::filesystem::path(file).stem().string();
  if (ascii_lower(r.path.database()) != ascii_lower(stem) &&
      ascii_lower(r.path.database()) != "main")
    return not_found(fmt::format("{}: unknown database '{}' in the include path; this file is database "
                                 "'{}' (or 'main')", where, r.path.database(), stem));
  MORTAR_ASSIGN_OR_RETURN(SqliteDb db, sql::open_sqlite_file(file, true, where, 5000));
  sqlite3* raw = db.get();
  log_line(r, "INFO", fmt::format("opened SQLite database {} through connection {}", file, r.connection_name));

  sqlite3_stmt* list_raw = nullptr;
  if (sqlite3_prepare_v2(raw,
                         "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                         "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name COLLATE NOCASE",
                         -1, &list_raw, nullptr) != SQLITE_OK)
    // A file that is not a database fails here ("file is not a database").
    return invalid_input(fmt::format("{}: cannot read the schema: {}", where, sqlite3_errmsg(raw)));
  SqliteStmt list(list_raw);
  std::vector<std::pair<std::string, bool>> names;
  int rc;
  while ((rc = sqlite3_step(list_raw)) == SQLITE_ROW) names.emplace_back(text(list_raw, 0), text(list_raw, 1) == "view");
  if (rc != SQLITE_DONE)
    return invalid_input(fmt::format("{}: cannot read the schema: {}", where, sqlite3_errmsg(raw)));

  JdbcListing out;
  for (const auto& [name, is_view] : names) {
    if (!r.path.matches_table(name)) continue;
    if (r.exclusions.excludes(r.path.relative_path("", name))) {
      log_line(r, "INFO", fmt::format("excluded {}.{} (matches an exclusion)", r.path.database(), name));
      continue;
    }
    if (r.cancel && r.cancel->cancelled()) return absl::CancelledError("the crawl was stopped");
    const std::string full = fmt::format("{}.{}", r.path.database(), name);
    auto cols = read_columns(raw, name);
    if (!cols.ok()) {
      // e.g. a view over a dropped table, or a virtual table whose module is missing.
      out.problems.push_back({full, fmt::format("cannot read columns: {}; skipped", status_message(cols.status()))});
      log_line(r, "WARN", fmt::format("{}: cannot read columns: {}", full, status_message(cols.status())));
      continue;
    }
    JdbcRelation rel{r.path.database(), "", name, is_view, {}};
    for (const auto& [col, declared] : *cols) rel.columns.push_back({col, sqlite_type_to_glue(declared)});
    if (rel.columns.empty()) {
      out.problems.push_back({full, "no columns; skipped"});
      continue;
    }
    out.relations.push_back(std::move(rel));
  }
  return out;
}

}  // namespace mortar::crawler::jdbc
