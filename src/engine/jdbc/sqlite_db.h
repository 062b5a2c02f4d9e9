// Internal to engine/jdbc: opening the database file of a jdbc:sqlite: URL
// for the JDBC source (read-only) and sink (read-write, created), and
// preparing statements, with the JDBC errors. Handles: sql/sqlite_handle.h.
#pragma once

#include <sqlite3.h>

#include <string>

#include "common/status.h"
#include "sql/sqlite_handle.h"

namespace mortar::engine::jdbc {

using sql::SqliteDb;
using sql::SqliteStmt;

// Opens `path`; read-only requires the file to exist (NotFound naming it),
// otherwise it is created. Registers mortar_hash(x) (a non-negative 62-bit
// hash of x's text, 0 for NULL) used by hashfield partitions.
StatusOr<SqliteDb> open_sqlite(const std::string& path, bool read_only, const std::string& label);

StatusOr<SqliteStmt> prepare(sqlite3* db, const std::string& sql, const std::string& context);

}  // namespace mortar::engine::jdbc
