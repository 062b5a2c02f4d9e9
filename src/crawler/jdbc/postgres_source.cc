// PostgreSQL through libpq: one connection to the include path's database,
// the catalog read from pg_catalog (exact types via format_type, domains
// resolved to their base type), one query per selected relation.
#include <memory>

#include <fmt/format.h>

#include "crawler/jdbc/jdbc_source.h"
#include "sql/jdbc_types.h"
#include "sql/pg_connection.h"

namespace mortar::crawler::jdbc {

using sql::postgres_type_to_glue;

namespace {

using sql::PgConn;
using sql::PgResult;
using Conn = PgConn;
using Result = PgResult;

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void log_line(const JdbcRequest& r, const char* level, const std::string& msg) {
  if (r.log) r.log(level, msg);
}

// The connection (sql/pg_connection.h's connect_postgres) to the include path's
// database; errors name the Glue connection and host:port/database.
StatusOr<Conn> connect(const JdbcRequest& r) {
  sql::PgConnectParams params;
  params.url = &r.url;
  params.database = r.path.database();
  params.user = r.username;
  params.password = r.password;
  params.application_name = "mortar-crawler";
  params.label = "connection " + r.connection_name;
  return sql::connect_postgres(params);
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
