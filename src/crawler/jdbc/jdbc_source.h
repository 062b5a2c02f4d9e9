// What the engine-specific readers (postgres_source.cc, sqlite_source.cc)
// hand to plan_jdbc_target(): the relations an include path selects, with
// their columns, and a problem for each one that could not be read.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "crawler/crawl_types.h"
#include "crawler/jdbc/include_path.h"
#include "io/glob_matcher.h"
#include "sql/jdbc_url.h"
#include "types/data_type.h"

namespace mortar::crawler::jdbc {

// URL parsing and type mapping live in sql/ (shared with the engine's
// JDBC source and sink).
using sql::Engine;
using sql::JdbcUrl;
using sql::parse_jdbc_url;
using sql::scrub;

struct JdbcRelation {
  std::string database;  // as the include path names it
  std::string schema;    // "" for engines without schemas (SQLite)
  std::string name;
  bool is_view = false;
  std::vector<types::Field> columns;  // in ordinal order, Glue types
};

struct JdbcRequest {
  std::string connection_name;  // for messages
  JdbcUrl url;
  std::string username, password;  // from the Connection; may be empty
  IncludePath path;
  io::GlobMatcher exclusions;
  const CancelToken* cancel = nullptr;
  CrawlLogFn log;
};

struct JdbcListing {
  std::vector<JdbcRelation> relations;
  std::vector<CrawlProblem> problems;
};

// Errors that stop the target (cannot connect, bad credentials, unknown
// database) name the connection and never contain the password. Cancelled
// when the token fired between tables.
StatusOr<JdbcListing> list_postgres(const JdbcRequest& request);
StatusOr<JdbcListing> list_sqlite(const JdbcRequest& request);


}  // namespace mortar::crawler::jdbc
