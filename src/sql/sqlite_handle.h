// SQLite handles with RAII — the one wrapper the store's connections, the
// engine's JDBC source and sink and the crawler's JdbcTargets share — and
// opening the database file a jdbc:sqlite: URL names. Does not include
// sqlite3.h. A handle belongs to one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mortar::sql {

struct SqliteCloser {
  void operator()(sqlite3* db) const;  // sqlite3_close_v2
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const;  // sqlite3_finalize
};
// Declare a database's statements after it, so they are finalized first.
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// sqlite3_open_v2(path, flags) with SQLITE_OPEN_* `flags`. On failure the
// half-open handle is closed and the status is Unavailable with SQLite's
// message alone: the caller says what it was opening.
StatusOr<SqliteDb> open_sqlite(const std::string& path, int flags);

// The database file of a jdbc:sqlite: URL, for one thread, with a busy
// timeout. Read-only requires the file to exist; read-write creates it.
// Errors start with `label`: NotFound "<label>: the database file does not
// exist", InvalidArgument "<label>: not a regular file", Unavailable
// "<label>: cannot open: <SQLite's message>".
StatusOr<SqliteDb> open_sqlite_file(const std::string& path, bool read_only,
                                    const std::string& label, int busy_timeout_ms);

}  // namespace mortar::sql
