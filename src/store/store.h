// The Store: Mortar's persistent state behind one small interface, so the
// catalog, jobs and scheduler logic is written once and runs on SQLite (the
// default, one file in the data dir) or PostgreSQL (scale-out).
//
// SQL is written in the portable subset both backends understand, with `?`
// placeholders (the PostgreSQL backend rewrites them to $n). Every API
// mutation is one write transaction; nothing is acknowledged before commit()
// returns OK, which means the change is durable.
//
// Thread-safety: Store is thread-safe; a Transaction belongs to one thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace mortar::store {

struct Blob {
  std::string bytes;
};

// NULL, INTEGER, REAL, TEXT, BLOB.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

struct Row {
  std::vector<Value> values;

  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(values.at(i)); }
  int64_t int_at(size_t i) const;              // 0 for NULL
  double real_at(size_t i) const;              // 0 for NULL
  const std::string& text_at(size_t i) const;  // "" for NULL; TEXT or BLOB bytes
};

// Timestamps are stored as BIGINT microseconds since the epoch (exact on
// both backends); the API's epoch seconds with a fraction convert here.
inline int64_t micros_from_seconds(double seconds) { return std::llround(seconds * 1e6); }
inline double seconds_from_micros(int64_t micros) { return static_cast<double>(micros) / 1e6; }

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed

  // Runs a statement; returns the number of rows changed.
  // A UNIQUE/PRIMARY KEY violation returns AlreadyExists; a FOREIGN KEY
  // violation returns FailedPrecondition; busy/locked past the busy timeout
  // returns Unavailable.
  virtual StatusOr<int64_t> exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  virtual StatusOr<std::vector<Row>> query(std::string_view sql,
                                           const std::vector<Value>& params = {}) = 0;
  virtual Status commit() = 0;
};

// A named lock this process holds for the life of the object: the
// scheduler's leadership among servers sharing one store.
class SessionLock {
 public:
  virtual ~SessionLock() = default;  // releases the lock
  // False once the lock is known lost (on PostgreSQL: its dedicated
  // connection dropped, so the server released it). Cheap enough to call
  // every few seconds.
  virtual bool still_held() = 0;
};

struct Migration {
  int version;  // 1, 2, 3 ... within its component
  std::string description;
  std::string sql;  // one or more statements separated by ';'
};

class Store {
 public:
  virtual ~Store() = default;

  // A read transaction sees a consistent snapshot and may run concurrently
  // with others; write transactions are serialized.
  virtual StatusOr<std::unique_ptr<Transaction>> begin(bool write) = 0;

  // A read that is one statement (a point read on a hot path): its rows,
  // from one consistent snapshot, retried on Unavailable as
  // run_in_read_transaction does. By default exactly that; PostgreSQL runs
  // the statement alone, without BEGIN/COMMIT around it (one statement sees
  // one snapshot): one message and one wake-up of the database instead of
  // three commands. Decorators forward it.
  virtual StatusOr<std::vector<Row>> read_one(std::string_view sql,
                                              const std::vector<Value>& params = {});

  // Applies, in order, the migrations of `component` ("catalog", "auth",
  // "partitions", ...) not applied yet, each in its own transaction.
  virtual Status migrate(std::string_view component, const std::vector<Migration>& migrations) = 0;

  virtual std::string_view dialect() const = 0;  // "sqlite" | "postgres"

  // True when several servers may share this store (PostgreSQL): what one
  // server keeps for itself must then live in the store. SQLite admits one
  // server (its data dir's lock).
  virtual bool shared() const = 0;

  // Takes the lock `name` if nobody holds it; nullptr (not an error) when
  // another holder has it. PostgreSQL: a session advisory lock on a dedicated
  // connection, so a dead server's lock is released by the database. SQLite:
  // one server per data dir (its lock file), so the lock is per process.
  virtual StatusOr<std::unique_ptr<SessionLock>> try_lock(std::string_view name) = 0;

  // Flushes and closes; later calls fail.
  virtual Status close() = 0;
};

// Runs fn in a write transaction and commits it; retries a few times when the
// store reports Unavailable (busy) before anything was committed.
Status run_in_write_transaction(Store& store, const std::function<Status(Transaction&)>& fn);
Status run_in_read_transaction(Store& store, const std::function<Status(Transaction&)>& fn);

// Runs `attempt` and runs it again, a few times with a growing pause, while
// it returns Unavailable (nothing was committed): the runners' retry policy.
Status retry_unavailable(const std::function<Status()>& attempt);

// The store `url` names: "postgresql://..." or "postgres://..." -> PostgreSQL
// (libpq's URI syntax; credentials from the URL, PGPASSFILE or PG* variables);
// "" -> SQLite at `sqlite_path`. `pg_pool_size` bounds PostgreSQL connections.
StatusOr<std::unique_ptr<Store>> open_store(const std::string& url, const std::string& sqlite_path,
                                            int pg_pool_size = 8);

// PostgreSQL at a libpq connection URI, with up to `pool_size` connections
// (one per concurrent transaction). Fails unless the first connection opens.
StatusOr<std::unique_ptr<Store>> open_postgres_store(const std::string& uri, int pool_size);

// "postgresql://" or "postgres://".
bool is_postgres_url(std::string_view url);

// SQLite in WAL mode with foreign keys on; `path` ":memory:" for tests.
StatusOr<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace mortar::store
