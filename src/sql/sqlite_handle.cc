#include "sql/sqlite_handle.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

namespace mortar::sql {

void SqliteCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

void SqliteFinalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

StatusOr<SqliteDb> open_sqlite(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);
  // Without a handle SQLite could not even allocate one (SQLITE_NOMEM).
  if (rc != SQLITE_OK)
    return absl::UnavailableError(raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  return db;
}

StatusOr<SqliteDb> open_sqlite_file(const std::string& path, bool read_only,
                                    const std::string& label, int busy_timeout_ms) {
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (read_only && !exists)
    return not_found(fmt::format("{}: the database file does not exist", label));
  if (exists && !S_ISREG(st.st_mode))
    return invalid_input(fmt::format("{}: not a regular file", label));
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  auto db = open_sqlite(path, flags | SQLITE_OPEN_NOMUTEX);
  if (!db.ok())
    return absl::UnavailableError(
        to_absl(fmt::format("{}: cannot open: {}", label, status_message(db.status()))));
  sqlite3_busy_timeout(db->get(), busy_timeout_ms);
  return db;
}

}  // namespace mortar::sql
