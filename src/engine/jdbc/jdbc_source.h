// Reading a PostgreSQL or SQLite table into a DynamicFrame (Glue's
// from_options(connection_type="postgresql"|"sqlite") and from_catalog on a
// crawled JDBC table). The frame is lazy like every other: the schema comes
// from the database's column types without reading rows, and rows stream in
// RecordBatches when an action runs.
//
// Parallel reads follow Glue: `hashfield` (any column; its value is hashed
// into a partition number) or `hashexpression` (an SQL expression returning
// an integer, taken modulo the partition count) with `hashpartitions`
// (default 7) run that many queries on as many connections at once, each
// with a WHERE clause selecting its share; rows whose hash value is NULL go
// to partition 0. Row order across partitions is not defined.
// Thread-safe: frames are immutable; each action opens its own connections.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "engine/dynamic_frame.h"

namespace mortar::engine::jdbc {

struct JdbcSourceOptions {
  std::string url;  // jdbc:postgresql://host[:port]/db[?..] | jdbc:sqlite:/abs/path.db
  std::string user, password;  // "" -> from the URL (PostgreSQL) / unused (SQLite)
  std::string dbtable;         // "table", "schema.table" ("\"Quoted\".t" keeps case)
  // Glue's sampleQuery: a SELECT read instead of the whole dbtable (the hash
  // partitioning applies to its result).
  std::string sample_query;
  // Glue's filterPredicate: an SQL condition only matching rows are read
  // (the database evaluates it; job bookmarks bound the keys with it).
  std::string filter_predicate;
  std::string hashfield;
  std::string hashexpression;
  int hashpartitions = 0;  // 0 -> 7 with a hashfield/hashexpression, else 1
  int64_t batch_rows = 8192;
  std::string connection_name;  // for messages ("" -> the URL's host/file)
};

// Validates the options (URL, dbtable, partitioning) and builds the frame;
// nothing is read until an action runs. Connection problems surface then,
// naming host:port/database (or the SQLite file) and never the password.
StatusOr<DynamicFrame> read_jdbc(const JdbcSourceOptions& options);

}  // namespace mortar::engine::jdbc
