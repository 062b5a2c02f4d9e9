// One SQLite connection plus its prepared-statement cache. Not thread-safe:
// the SqliteStore hands a connection to one transaction at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"
#include "sql/sqlite_handle.h"
#include "store/store.h"

namespace mortar::store {

class SqliteConnection {
 public:
  // `uri` is a filename or a "file:" URI; `reader` connections are query-only.
  static StatusOr<std::unique_ptr<SqliteConnection>> open(const std::string& uri, bool reader,
                                                          bool memory);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  StatusOr<int64_t> exec(std::string_view sql, const std::vector<Value>& params);
  StatusOr<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& params);
  // Runs several ';'-separated statements without parameters (migrations).
  Status exec_script(const std::string& sql);

 private:
  explicit SqliteConnection(sql::SqliteDb db) : db_(std::move(db)) {}
  StatusOr<sqlite3_stmt*> prepare(std::string_view sql);
  Status bind(sqlite3_stmt* stmt, const std::vector<Value>& params);
  Status error(int rc, std::string_view sql) const;

  sql::SqliteDb db_;
  std::unordered_map<std::string, sql::SqliteStmt> cache_;  // finalized before db_ closes
};

}  // namespace mortar::store
