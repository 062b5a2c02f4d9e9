// PostgreSQL through libpq: one connection to the include path's database,
// the catalog read from pg_catalog (exact types via format_type, domains
// resolved to their base type), one query per selected relation.
#include <libpq-fe.h>

#include <memory>

#include <fmt/format.h>

#include "crawler/jdbc/jdbc_source.h"
#include "crawler/jdbc/jdbc_types.h"

namespace mortar::crawler::jdbc {

namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void log_line(const JdbcRequest& r, const char* level, const std::string& msg) {
  if (r.log) r.log(level, msg);
}

// A failed connection as a Status of the right kind, naming the connection.
Status connect_error(const JdbcRequest& r, const std::string& database, const std::string& driver_msg) {
  const std::string msg = scrub(driver_msg, r.password);
  const std::string where = fmt::format("connection {} ({}:{}/{})", r.connection_name,
                                        r.url.host.empty() ? "localhost" : r.url.host, r.url.port, database);
  if (msg.find("password authentication failed") != std::string::npos ||
      msg.find("authentication failed") != std::string::npos ||
      msg.find("no password supplied") != std::string::npos ||
      msg.find("no pg_hba.conf entry") != std::string::npos)
    return access_denied(fmt::format("{}: authentication failed: {}", where, msg));
  if (msg.find("does not exist") != std::string::npos)
    return not_found(fmt::format("{}: {}", where, msg));
  return absl::UnavailableError(to_absl(fmt::format("{}: cannot connect: {}", where, msg)));
}

StatusOr<Conn> connect(const JdbcRequest& r) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& [k, v] : r.url.options) kv.emplace_back(k, v);
  auto set = [&](const std::string& key, const std::string& value) {
    for (auto& p : kv)
      if (p.first == key) {
        p.second = value;
        return;
      }
    kv.emplace_back(key, value);
  };
  set("host", r.url.host.empty() ? "localhost" : r.url.host);
  set("port", std::to_string(r.url.port));
  set("dbname", r.path.database());
  if (!r.username.empty()) set("user", r.username);
  if (!r.password.empty()) set("password", r.password);
  if (!r.url.options.count("connect_timeout")) set("connect_timeout", "10");
  if (!r.url.options.count("application_name")) set("application_name", "mortar-crawler");
  // Never read ~/.pgpass or service files of the server's user.
  set("passfile", "/dev/null");
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  Conn conn(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn) return internal_error("libpq could not allocate a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK)
    return connect_error(r, r.path.database(), trimmed(PQerrorMessage(conn.get())));
  return conn;
}

// Runs a read-only catalog query; the error names the connection.
StatusOr<Result> query(PGconn* conn, const JdbcRequest& r, const char* sql,
                       const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  Result res(PQexecParams(conn, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0));
  if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK)
    return absl::UnavailableError(to_absl(fmt::format(
        "connection {}: catalog query failed: {}", r.connection_name,
        scrub(trimmed(PQerrorMessage(conn)), r.password))));
  return res;
}

constexpr const char* kRelationsSql =
    "SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, "
    "       has_table_privilege(c.oid, 'SELECT')::text "
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition "
    "ORDER BY n.nspname, c.relname";

constexpr const char* kColumnsSql =
    "SELECT a.attname, pg_catalog.format_type("
    "         CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, "
    "         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END) "
    "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
    "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attnum";

bool is_system_schema(const std::string& schema) {
  return schema == "information_schema" || schema.rfind("pg_", 0) == 0;
}

}  // namespace

StatusOr<JdbcListing> list_postgres(const JdbcRequest& r) {
  MORTAR_ASSIGN_OR_RETURN(Conn conn, connect(r));
  log_line(r, "INFO", fmt::format("connected to PostgreSQL database {} through connection {}",
                                  r.path.database(), r.connection_name));
  MORTAR_ASSIGN_OR_RETURN(Result rels, query(conn.get(), r, kRelationsSql, {}));
  const bool schema_wild = r.path.schema_pattern().find('%') != std::string::npos;
  JdbcListing out;
  for (int i = 0; i < PQntuples(rels.get()); ++i) {
    const std::string oid = PQgetvalue(rels.get(), i, 0);
    const std::string schema = PQgetvalue(rels.get(), i, 1);
    const std::string name = PQgetvalue(rels.get(), i, 2);
    const char kind = PQgetvalue(rels.get(), i, 3)[0];
    const bool can_select = std::string(PQgetvalue(rels.get(), i, 4)) == "true";
    // '%' never reaches PostgreSQL's own schemas; naming one does.
    if (schema_wild && is_system_schema(schema)) continue;
    if (!r.path.matches_schema(schema) || !r.path.matches_table(name)) continue;
    const std::string rel_path = r.path.relative_path(schema, name);
    if (r.exclusions.excludes(rel_path)) {
      log_line(r, "INFO", fmt::format("excluded {}.{}.{} (matches an exclusion)", r.path.database(), schema, name));
      continue;
    }
    if (r.cancel && r.cancel->cancelled()) return absl::CancelledError("the crawl was stopped");
    const std::string full = fmt::format("{}.{}.{}", r.path.database(), schema, name);
    if (!can_select) {
      out.problems.push_back({full, fmt::format("permission denied: the user of connection {} cannot "
                                                "SELECT from it; skipped", r.connection_name)});
      log_line(r, "WARN", fmt::format("{}: permission denied, skipped", full));
      continue;
    }
    auto cols = query(conn.get(), r, kColumnsSql, {oid});
    if (!cols.ok()) {
      out.problems.push_back({full, std::string(status_message(cols.status()))});
      continue;
    }
    JdbcRelation rel{r.path.database(), schema, name, kind == 'v' || kind == 'm', {}};
    for (int c = 0; c < PQntuples(cols->get()); ++c)
      rel.columns.push_back({PQgetvalue(cols->get(), c, 0), postgres_type_to_glue(PQgetvalue(cols->get(), c, 1))});
    if (rel.columns.empty()) {
      out.problems.push_back({full, "no columns (dropped while crawling, or an empty view); skipped"});
      continue;
    }
    out.relations.push_back(std::move(rel));
  }
  return out;
}

}  // namespace mortar::crawler::jdbc
