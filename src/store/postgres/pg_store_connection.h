// One PostgreSQL connection of the store's pool plus its prepared-statement
// cache. Not thread-safe: the PgStore hands a connection to one transaction
// at a time. Private to store/ (includes libpq-fe.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "sql/pg_connection.h"
#include "store/store.h"

namespace mortar::store {

class PgStoreConnection {
 public:
  static StatusOr<std::unique_ptr<PgStoreConnection>> open(const std::string& uri);

  // `sql` uses `?` placeholders. Parameters: NULL and text as untyped text
  // (the server infers the type from the context), int64 as int8, double as
  // float8, Blob as binary bytea.
  StatusOr<int64_t> exec(std::string_view sql, const std::vector<Value>& params);
  StatusOr<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& params);
  // Several ';'-separated statements without parameters (migrations,
  // BEGIN/COMMIT); returns the last command's status tag ("COMMIT", ...).
  StatusOr<std::string> exec_script(const std::string& sql);

  bool broken() const { return PQstatus(conn_.get()) != CONNECTION_OK; }

 private:
  explicit PgStoreConnection(sql::PgConn conn) : conn_(std::move(conn)) {}
  StatusOr<sql::PgResult> run(std::string_view sql, const std::vector<Value>& params);
  Status error(const PGresult* res, std::string_view sql) const;

  sql::PgConn conn_;
  // (SQL text, parameter types) -> prepared statement name.
  std::unordered_map<std::string, std::string> cache_;
  int64_t next_statement_ = 0;
};

// The Status for a failed statement: SQLSTATE mapped as the SQLite backend
// maps its result codes (see README.md). `res` may be null (connection lost).
Status pg_store_error(PGconn* conn, const PGresult* res, std::string_view sql);

// Row values of a text-format result: int2/4/8 and oid -> int64, bool ->
// int64 0/1, float4/8 -> double, numeric -> int64 when integral and in
// range, else double, bytea -> Blob, anything else -> text.
Row decode_row(const PGresult* res, int row);

}  // namespace mortar::store
