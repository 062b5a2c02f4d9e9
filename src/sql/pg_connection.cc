#include "sql/pg_connection.h"

#include <fmt/format.h>

#include <cctype>
#include <utility>
#include <vector>

namespace mortar::sql {

namespace {

std::string user_or_url(const std::string& given, const JdbcUrl& url, const char* key) {
  if (!given.empty()) return given;
  auto it = url.options.find(key);
  return it == url.options.end() ? "" : it->second;
}

// The connection, or its failure classified: authentication, unknown
// database, unreachable.
StatusOr<PgConn> connected_or_error(PgConn conn, const std::string& where,
                                    const std::string& password) {
  if (!conn) return internal_error("libpq could not allocate a connection");
  if (PQstatus(conn.get()) == CONNECTION_OK) return conn;
  const std::string msg = pg_error(conn.get(), password);
  if (msg.find("authentication failed") != std::string::npos ||
      msg.find("no password supplied") != std::string::npos ||
      msg.find("no pg_hba.conf entry") != std::string::npos)
    return access_denied(fmt::format("{}: authentication failed: {}", where, msg));
  if (msg.find("does not exist") != std::string::npos)
    return not_found(fmt::format("{}: {}", where, msg));
  return absl::UnavailableError(to_absl(fmt::format("{}: cannot connect: {}", where, msg)));
}

}  // namespace

std::string pg_target_name(const PgConnectParams& p) {
  const JdbcUrl& url = *p.url;
  return fmt::format("{} ({}:{}/{})", p.label, url.host.empty() ? "localhost" : url.host, url.port,
                     p.database.empty() ? url.database : p.database);
}

std::string pg_error(PGconn* conn, const std::string& password) {
  std::string s = conn ? PQerrorMessage(conn) : "out of memory";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return scrub(std::move(s), password);
}

StatusOr<PgConn> connect_postgres(const PgConnectParams& p) {
  const JdbcUrl& url = *p.url;
  const std::string password = user_or_url(p.password, url, "password");
  std::vector<std::pair<std::string, std::string>> kv(url.options.begin(), url.options.end());
  auto set = [&](const std::string& key, const std::string& value) {
    for (auto& e : kv)
      if (e.first == key) {
        e.second = value;
        return;
      }
    kv.emplace_back(key, value);
  };
  set("host", url.host.empty() ? "localhost" : url.host);
  set("port", std::to_string(url.port));
  const std::string database = p.database.empty() ? url.database : p.database;
  if (!database.empty()) set("dbname", database);
  const std::string user = user_or_url(p.user, url, "user");
  if (!user.empty()) set("user", user);
  if (!password.empty()) set("password", password);
  if (!url.options.count("connect_timeout")) set("connect_timeout", "10");
  if (!url.options.count("application_name")) set("application_name", p.application_name);
  // Never read ~/.pgpass or service files of the process's user.
  set("passfile", "/dev/null");
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConn conn(PQconnectdbParams(keys.data(), values.data(), 0));
  return connected_or_error(std::move(conn), pg_target_name(p), password);
}

StatusOr<std::string> pg_uri_target(const std::string& uri) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &err);
  if (!opts) {
    // libpq's message may quote the URI: do not repeat it.
    if (err) PQfreemem(err);
    return invalid_input(
        "not a valid PostgreSQL connection URI (postgresql://user@host:port/database)");
  }
  std::string host, port, db;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string k = o->keyword;
    if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
  }
  PQconninfoFree(opts);
  if (host.empty()) host = getenv("PGHOST") ? getenv("PGHOST") : "localhost";
  if (port.empty()) port = getenv("PGPORT") ? getenv("PGPORT") : "5432";
  if (db.empty()) db = getenv("PGDATABASE") ? getenv("PGDATABASE") : "(default)";
  return fmt::format("{}:{}/{}", host, port, db);
}

StatusOr<PgConn> connect_postgres_uri(const std::string& uri, const std::string& label) {
  MORTAR_ASSIGN_OR_RETURN(std::string target, pg_uri_target(uri));
  std::string password;
  if (PQconninfoOption* opts = PQconninfoParse(uri.c_str(), nullptr)) {
    for (PQconninfoOption* o = opts; o->keyword; ++o)
      if (o->val && std::string(o->keyword) == "password") password = o->val;
    PQconninfoFree(opts);
  }
  // Defaults first: the URI's own options, expanded from dbname, override them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "mortar", uri.c_str(), nullptr};
  PgConn conn(PQconnectdbParams(keys, values, 1));
  return connected_or_error(std::move(conn), fmt::format("{} ({})", label, target), password);
}

StatusOr<PgResult> pg_exec(PGconn* conn, const std::string& sql, const std::string& context,
                           const std::string& password) {
  PgResult res(PQexec(conn, sql.c_str()));
  const auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
  std::string msg = res ? PQresultErrorMessage(res.get()) : pg_error(conn, password);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  msg = scrub(std::move(msg), password);
  // Missing tables and columns are the user's input, not an internal fault.
  const char* state = res ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  if (code == "42P01" || code == "3F000") return not_found(fmt::format("{}: {}", context, msg));
  // 42501 (insufficient privilege) before the rest of class 42 (bad SQL).
  if (code == "42501") return access_denied(fmt::format("{}: {}", context, msg));
  if (code.rfind("42", 0) == 0 || code.rfind("22", 0) == 0 || code.rfind("23", 0) == 0)
    return invalid_input(fmt::format("{}: {}", context, msg));
  return absl::UnavailableError(to_absl(fmt::format("{}: {}", context, msg)));
}

}  // namespace mortar::sql
