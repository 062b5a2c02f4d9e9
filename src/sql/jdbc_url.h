// JDBC_CONNECTION_URL parsing for the engines the crawler reaches natively:
//   jdbc:postgresql://host[:port][/database][?key=value&...]
//   jdbc:sqlite:/absolute/path/file.db      (a Mortar extension)
// PgJDBC's URL parameters are translated to libpq's connection keywords.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::sql {

enum class Engine { kPostgres, kSqlite };

struct JdbcUrl {
  Engine engine = Engine::kPostgres;
  // PostgreSQL.
  std::string host;  // "" -> localhost
  int port = 5432;
  std::string database;  // may be empty (then the include path's database)
  // libpq keywords from the URL's query (sslmode, connect_timeout,
  // application_name, user, password, ...).
  std::map<std::string, std::string> options;
  // SQLite: the database file.
  std::string path;
};

// Malformed or unsupported URLs are InvalidInput; the message never repeats
// a password given in the URL.
StatusOr<JdbcUrl> parse_jdbc_url(std::string_view url);

// `message` with every occurrence of `secret` masked (for driver messages
// that might echo a connection string).
std::string scrub(std::string message, const std::string& secret);

// "schema.table" / "table" / "\"Mixed\".t" -> a quoted SQL identifier
// path. Unquoted parts are folded to lower case as PostgreSQL does;
// SQLite keeps case (it compares names case-insensitively anyway).
StatusOr<std::string> quote_table_name(std::string_view dbtable, bool fold_lower);
// "a\"b" -> "\"a\"\"b\"".
std::string quote_identifier(std::string_view name);

}  // namespace mortar::sql
