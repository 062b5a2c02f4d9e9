// One PostgreSQL connection of the store's pool plus its prepared-statement
// cache. Not thread-safe: the PgStore hands a connection to one transaction
// at a time. Private to store/ (includes libpq-fe.h).
//
// Round trips: a transaction's BEGIN is not sent on its own but in one
// libpq pipeline with the first statement (and that statement's PREPARE
// when it is new to this connection), so a one-statement read costs one
// round trip plus an unawaited COMMIT, whose result drain() reads before
// the connection's next use.
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

  // Starts a transaction: `begin_sql` ("BEGIN ...") goes out with the first
  // statement. Requires a drained connection.
  void begin_lazily(const char* begin_sql);
  // Ends the transaction with `sql` ("COMMIT" or "ROLLBACK"); returns its
  // status tag. Nothing is sent when no statement ran since begin_lazily()
  // (there is no server-side transaction): the tag is then `sql`. With
  // wait=false the command is only sent (the tag returned is `sql`) and its
  // result is left for drain().
  StatusOr<std::string> finish(const char* sql, bool wait);
  // Reads the results of a command sent by finish(wait=false). OK when the
  // connection is then usable outside a transaction; otherwise the
  // connection is broken() and must be dropped.
  Status drain();

  bool broken() const { return broken_ || PQstatus(conn_.get()) != CONNECTION_OK; }

 private:
  explicit PgStoreConnection(sql::PgConn conn) : conn_(std::move(conn)) {}
  StatusOr<sql::PgResult> run(std::string_view sql, const std::vector<Value>& params);
  // BEGIN, an optional PREPARE and the execution in one pipeline (one round trip).
  StatusOr<sql::PgResult> run_pipelined(std::string_view sql, const char* name,
                                        const std::string* numbered, const std::vector<Oid>& types,
                                        int n);
  Status send_pending_begin();
  Status error(const PGresult* res, std::string_view sql) const;

  sql::PgConn conn_;
  const char* pending_begin_ = nullptr;  // BEGIN not sent yet
  bool in_transaction_ = false;          // a statement ran since begin_lazily()
  bool unread_ = false;                  // finish(wait=false) left a result to drain
  // A pipeline or drain left it in an unknown state, or its prepared
  // statements are stale (error() may set it).
  mutable bool broken_ = false;
  // Per-call scratch kept across calls (no allocation once warm).
  std::string key_;
  std::vector<Oid> types_;
  std::vector<std::string> texts_;
  std::vector<const char*> values_;
  std::vector<int> lengths_, formats_;
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
