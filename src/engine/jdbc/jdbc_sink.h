// Writing a DynamicFrame to a PostgreSQL or SQLite table (Glue's
// write_dynamic_frame.from_options(connection_type="postgresql"|"sqlite")
// and from_jdbc_conf). PostgreSQL through COPY ... FROM STDIN; SQLite with
// one prepared INSERT. As Glue does, a missing table is created with
// column types mapped from the frame's (jdbc_types.h), an existing one is
// appended to (frame fields matched to its columns by name, exactly or else
// case-insensitively; columns the frame lacks get their defaults).
//
// The whole write is one transaction (the CREATE TABLE included): any
// failure leaves the database as it was. A value the target column rejects
// fails the write with an error naming the row (1-based, in write order) and
// the column. Connection errors name host:port/database, never the password.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "engine/dynamic_frame.h"

namespace mortar::engine::jdbc {

struct JdbcSinkOptions {
  std::string url;  // jdbc:postgresql://host[:port]/db | jdbc:sqlite:/abs/path.db (created if missing)
  std::string user, password;
  std::string dbtable;          // "table" or "schema.table"
  std::string connection_name;  // for messages
};

struct JdbcWriteResult {
  int64_t rows = 0;
  bool created_table = false;
};

StatusOr<JdbcWriteResult> write_jdbc(const DynamicFrame& frame, const JdbcSinkOptions& options);

}  // namespace mortar::engine::jdbc
