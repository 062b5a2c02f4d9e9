// Internal to engine/jdbc: the per-engine halves of read_jdbc(). Each
// engine gives the table's schema (Glue types, no rows read) and opens one
// hash partition as a stream of batches in that schema.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "engine/jdbc/jdbc_source.h"
#include "engine/plan_node.h"
#include "sql/jdbc_url.h"
#include "types/data_type.h"

namespace mortar::engine::jdbc {

struct ReadSpec {
  JdbcSourceOptions options;
  sql::JdbcUrl url;
  // The quoted table, or "(<sample_query>) AS mortar_q"; with a
  // filter_predicate, that inside "(SELECT * FROM .. WHERE ..) AS mortar_f".
  std::string from;
  int partitions = 1;
  std::string label;  // "connection x" / "PostgreSQL" / "SQLite" for messages
};

StatusOr<types::TypePtr> postgres_schema(const ReadSpec& spec);
// Partition `part` of spec.partitions, conformed to `schema`.
StatusOr<std::unique_ptr<BatchStream>> open_postgres_partition(const ReadSpec& spec,
                                                               types::TypePtr schema, int part);

StatusOr<types::TypePtr> sqlite_schema(const ReadSpec& spec);
StatusOr<std::unique_ptr<BatchStream>> open_sqlite_partition(const ReadSpec& spec,
                                                             types::TypePtr schema, int part);

}  // namespace mortar::engine::jdbc
