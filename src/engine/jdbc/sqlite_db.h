// Internal to engine/jdbc: SQLite handles with RAII and opening a database
// file for the JDBC source (read-only) and sink (read-write, created).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace mortar::engine::jdbc {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// Opens `path`; read-only requires the file to exist (NotFound naming it),
// otherwise it is created. Registers mortar_hash(x) (a non-negative 62-bit
// hash of x's text, 0 for NULL) used by hashfield partitions.
StatusOr<SqliteDb> open_sqlite(const std::string& path, bool read_only, const std::string& label);

StatusOr<SqliteStmt> prepare(sqlite3* db, const std::string& sql, const std::string& context);

}  // namespace mortar::engine::jdbc
