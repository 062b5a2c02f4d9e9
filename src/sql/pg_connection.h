// Connecting to PostgreSQL through libpq, shared by the engine's JDBC source
// and sink and the crawler's JdbcTargets: JdbcUrl + credentials -> a
// connection, with errors that name host:port/database but never the
// password. Includes libpq-fe.h: include it only from .cc files.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

#include "common/status.h"
#include "sql/jdbc_url.h"

namespace mortar::sql {

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

struct PgConnectParams {
  const JdbcUrl* url = nullptr;  // borrowed; engine kPostgres
  std::string database;          // "" -> the URL's
  std::string user, password;    // "" -> the URL's user/password options, if any
  std::string application_name = "mortar";
  // Prefix of error messages, e.g. "connection pgconn"; the target
  // "(host:port/database)" is appended.
  std::string label = "PostgreSQL";
};

// Connects (10 s timeout unless the URL sets one; ~/.pgpass never read).
// Errors: PermissionDenied (authentication), NotFound (no such database),
// Unavailable (cannot reach the server).
StatusOr<PgConn> connect_postgres(const PgConnectParams& params);

// Connects to a libpq connection URI ("postgresql://user@host:5432/db?sslmode=require"),
// as libpq users expect: credentials from the URI, PGPASSFILE/~/.pgpass or the
// PG* environment; every query option (sslmode, sslrootcert, ...) passed to
// libpq. `label` prefixes messages, which name host:port/database and never
// the password. Errors as connect_postgres.
StatusOr<PgConn> connect_postgres_uri(const std::string& uri, const std::string& label);

// "host:port/database" of a libpq URI (for messages and logs: never the
// password); InvalidArgument when libpq cannot parse it.
StatusOr<std::string> pg_uri_target(const std::string& uri);

// "<label> (host:port/database)" for messages.
std::string pg_target_name(const PgConnectParams& params);

// libpq's message without the trailing newline, the password masked.
std::string pg_error(PGconn* conn, const std::string& password);

// Runs one statement; anything but PGRES_COMMAND_OK / PGRES_TUPLES_OK is an
// error prefixed with `context`.
StatusOr<PgResult> pg_exec(PGconn* conn, const std::string& sql, const std::string& context,
                           const std::string& password = "");

}  // namespace mortar::sql
