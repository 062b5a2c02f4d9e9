// Internal to engine/jdbc: the per-engine halves of write_jdbc().
#pragma once

#include <string>

#include "engine/jdbc/jdbc_sink.h"
#include "sql/jdbc_url.h"

namespace mortar::engine::jdbc {

struct WriteSpec {
  JdbcSinkOptions options;
  sql::JdbcUrl url;
  std::string table;  // quoted
  std::string label;  // "connection x" / "PostgreSQL" / "SQLite"
};

StatusOr<JdbcWriteResult> write_postgres(const DynamicFrame& frame, const types::DataType& schema,
                                         const WriteSpec& spec);
StatusOr<JdbcWriteResult> write_sqlite(const DynamicFrame& frame, const types::DataType& schema,
                                       const WriteSpec& spec);

// Index of each frame field in `table_columns` (exact name first, then
// case-insensitive); InvalidArgument naming a field the table lacks.
StatusOr<std::vector<int>> match_columns(const types::DataType& schema,
                                         const std::vector<std::string>& table_columns,
                                         const std::string& table_label);

}  // namespace mortar::engine::jdbc
