// JdbcTargets: the tables and views a crawler's include path selects in a
// relational database, reached through a catalog Connection, planned as one
// catalog table each with its columns' Glue types. PostgreSQL (libpq) and
// SQLite (a Mortar extension: JDBC_CONNECTION_URL jdbc:sqlite:/path/file.db).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "crawler/crawl_types.h"

namespace mortar::crawler {

struct JdbcPlan {
  std::vector<PlannedTable> tables;
  std::vector<CrawlProblem> problems;
};

// `connection`: the Glue Connection object as GetConnection returns it
// (ConnectionType JDBC, ConnectionProperties JDBC_CONNECTION_URL, USERNAME,
// PASSWORD). `target`: the Glue JdbcTarget ({ConnectionName, Path
// "db/schema/%", Exclusions, EnableAdditionalMetadata}). Tables are named
// `<prefix><db>_<schema>_<table>` as Glue names them, located
// "<db>.<schema>.<table>", classification "postgresql"/"sqlite".
// A connection that cannot be opened is an error naming the connection (and
// never echoing the password).
StatusOr<JdbcPlan> plan_jdbc_target(const Json& connection, const Json& target,
                                    const std::string& table_prefix, const CancelToken& cancel,
                                    const CrawlLogFn& log);

}  // namespace mortar::crawler
