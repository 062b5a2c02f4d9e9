// The PostgreSQL Store: a bounded pool of connections, each running one
// transaction at a time. Writes run at READ COMMITTED (PostgreSQL's
// default); reads are REPEATABLE READ READ ONLY, the consistent snapshot
// store.h promises (a read-only transaction never fails serialization).
// BEGIN travels with a transaction's first statement (see
// pg_store_connection.h); a read's COMMIT and any ROLLBACK are sent without
// waiting, and their results are read when the connection is next taken.
// read_one() sends its one statement alone, in autocommit.
#include <fmt/format.h>
#include <poll.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "store/dialect.h"
#include "store/postgres/pg_store_connection.h"

namespace mortar::store {
namespace {

constexpr auto kPoolWait = std::chrono::seconds(10);
constexpr int kLockProbeMillis = 2000;

// 64-bit FNV-1a: advisory lock keys stable across processes and builds.
int64_t lock_key(std::string_view name) {
  uint64_t h = 1469598103934665603ull;
  for (char c : std::string("mortar:") + std::string(name)) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h);
}

class PgStore;

class PgTransaction : public Transaction {
 public:
  PgTransaction(PgStore* store, std::unique_ptr<PgStoreConnection> conn, bool write)
      : store_(store), conn_(std::move(conn)), write_(write) {
    conn_->begin_lazily(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  ~PgTransaction() override;

  StatusOr<int64_t> exec(std::string_view sql, const std::vector<Value>& params) override {
    MORTAR_RETURN_IF_ERROR(usable());
    return remember(conn_->exec(sql, params));
  }
  StatusOr<std::vector<Row>> query(std::string_view sql,
                                   const std::vector<Value>& params) override {
    MORTAR_RETURN_IF_ERROR(usable());
    return remember(conn_->query(sql, params));
  }
  // Several statements without parameters (a migration).
  Status script(const std::string& sql) {
    MORTAR_RETURN_IF_ERROR(usable());
    auto r = conn_->exec_script(sql);
    if (!r.ok()) failed_ = r.status();
    return r.status();
  }
  Status commit() override {
    MORTAR_RETURN_IF_ERROR(usable());
    // A read-only transaction that read without error has nothing left to
    // fail at COMMIT (REPEATABLE READ READ ONLY never fails serialization):
    // it is sent, not awaited.
    auto tag = conn_->finish("COMMIT", /*wait=*/write_);
    done_ = true;
    // A read whose COMMIT could not even be sent still read a consistent
    // snapshot; its broken connection is dropped on release.
    if (!write_ && !tag.ok() && conn_->broken()) return ok_status();
    if (!tag.ok()) {
      // A connection lost during COMMIT leaves the outcome unknown: not a
      // retryable Unavailable, which promises nothing was committed.
      if (conn_->broken())
        return internal_error("store connection lost during COMMIT; the outcome is unknown: " +
                              std::string(status_message(tag.status())));
      return tag.status();
    }
    if (*tag != "COMMIT") return internal_error("the store rolled the transaction back at COMMIT");
    return ok_status();
  }

 private:
  // PostgreSQL aborts the whole transaction at the first failed statement:
  // every later call reports that first failure (same code, so Unavailable
  // stays retryable).
  Status usable() const {
    if (!failed_.ok()) return failed_;
    if (done_) return absl::FailedPreconditionError("transaction already finished");
    return ok_status();
  }
  template <typename T>
  StatusOr<T> remember(StatusOr<T> r) {
    if (!r.ok()) failed_ = r.status();
    return r;
  }

  PgStore* store_;
  std::unique_ptr<PgStoreConnection> conn_;
  const bool write_;
  Status failed_;
  bool done_ = false;
};

// The lock's dedicated connection, shared with the store so close() can
// release locks still held.
struct LockState {
  std::mutex mu;
  sql::PgConn conn;
};

class PgSessionLock : public SessionLock {
 public:
  explicit PgSessionLock(std::shared_ptr<LockState> state) : state_(std::move(state)) {}
  ~PgSessionLock() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->conn.reset();  // ending the session releases the advisory lock
  }

  // A round trip on the lock's connection, bounded by kLockProbeMillis: a
  // connection that fails or hangs is given up (its lock is, or will be,
  // released by the server).
  bool still_held() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    PGconn* c = state_->conn.get();
    if (!c || PQstatus(c) != CONNECTION_OK || !PQsendQuery(c, "SELECT 1")) return give_up();
    bool ok = true;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kLockProbeMillis);
    while (PQisBusy(c)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      pollfd pfd{PQsocket(c), POLLIN, 0};
      if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) <= 0 || !PQconsumeInput(c))
        return give_up();
    }
    while (PGresult* r = PQgetResult(c)) {
      if (PQresultStatus(r) != PGRES_TUPLES_OK) ok = false;
      PQclear(r);
    }
    return ok ? true : give_up();
  }

 private:
  bool give_up() {
    state_->conn.reset();
    return false;
  }
  std::shared_ptr<LockState> state_;
};

class PgStore : public Store {
 public:
  PgStore(std::string uri, std::string target, int pool_size)
      : uri_(std::move(uri)), target_(std::move(target)), pool_size_(pool_size) {}
  ~PgStore() override { (void)close(); }

  StatusOr<std::unique_ptr<Transaction>> begin(bool write) override {
    MORTAR_ASSIGN_OR_RETURN(auto conn, acquire_drained());
    return std::unique_ptr<Transaction>(new PgTransaction(this, std::move(conn), write));
  }

  // The statement alone, in autocommit: PostgreSQL gives one statement one
  // snapshot, so no BEGIN/COMMIT is needed for it to be consistent, and the
  // backend answers one message (Bind/Execute/Sync) in one wake-up.
  StatusOr<std::vector<Row>> read_one(std::string_view sql,
                                      const std::vector<Value>& params) override {
    std::vector<Row> rows;
    MORTAR_RETURN_IF_ERROR(retry_unavailable([&]() -> Status {
      MORTAR_ASSIGN_OR_RETURN(auto conn, acquire_drained());
      auto result = conn->query(sql, params);
      release(std::move(conn));  // dropped if broken
      MORTAR_ASSIGN_OR_RETURN(rows, std::move(result));
      return ok_status();
    }));
    return rows;
  }

  Status migrate(std::string_view component, const std::vector<Migration>& migrations) override;

  std::string_view dialect() const override { return kPostgres; }
  bool shared() const override { return true; }

  StatusOr<std::unique_ptr<SessionLock>> try_lock(std::string_view name) override {
    if (closed_) return absl::FailedPreconditionError("store is closed");
    MORTAR_ASSIGN_OR_RETURN(sql::PgConn conn, sql::connect_postgres_uri(uri_, "store lock"));
    const std::string sql = fmt::format("SELECT pg_try_advisory_lock({})", lock_key(name));
    sql::PgResult res(PQexec(conn.get(), sql.c_str()));
    if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK)
      return pg_store_error(conn.get(), res.get(), sql);
    if (std::string_view(PQgetvalue(res.get(), 0, 0)) != "t") return std::unique_ptr<SessionLock>();
    auto state = std::make_shared<LockState>();
    state->conn = std::move(conn);
    std::lock_guard<std::mutex> lock(mu_);
    locks_.push_back(state);
    return std::unique_ptr<SessionLock>(new PgSessionLock(std::move(state)));
  }

  Status close() override {
    std::unique_lock<std::mutex> lock(mu_);
    if (closed_) return ok_status();
    closed_ = true;
    cv_.wait(lock, [&] { return in_use_ == 0; });
    idle_.clear();
    for (auto& weak : locks_) {
      if (auto state = weak.lock()) {
        std::lock_guard<std::mutex> l(state->mu);
        state->conn.reset();
      }
    }
    locks_.clear();
    return ok_status();
  }

  void release(std::unique_ptr<PgStoreConnection> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    if (!closed_ && !conn->broken()) idle_.push_back(std::move(conn));
    cv_.notify_all();
  }

  // Opens the first connection so open_postgres_store fails early.
  Status probe() {
    MORTAR_ASSIGN_OR_RETURN(auto conn, acquire());
    release(std::move(conn));
    return ok_status();
  }

 private:
  // An idle connection may still owe the result of its last COMMIT or
  // ROLLBACK; one that fails to drain is dropped and another taken.
  StatusOr<std::unique_ptr<PgStoreConnection>> acquire_drained() {
    for (int attempt = 0;; ++attempt) {
      MORTAR_ASSIGN_OR_RETURN(auto conn, acquire());
      Status drained = conn->drain();
      if (drained.ok()) return conn;
      release(std::move(conn));
      if (attempt == pool_size_) return drained;
    }
  }

  StatusOr<std::unique_ptr<PgStoreConnection>> acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + kPoolWait;
    while (true) {
      if (closed_) return absl::FailedPreconditionError("store is closed");
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        ++in_use_;
        return conn;
      }
      if (in_use_ < pool_size_) {
        ++in_use_;
        lock.unlock();  // connecting takes a round trip or more: do not block the pool
        auto conn = PgStoreConnection::open(uri_);
        lock.lock();
        if (!conn.ok()) {
          --in_use_;
          cv_.notify_all();
          return conn.status();
        }
        return std::move(*conn);
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout)
        return absl::UnavailableError(
            fmt::format("store busy: all {} connections to {} in use for {} s", pool_size_, target_,
                        std::chrono::duration_cast<std::chrono::seconds>(kPoolWait).count()));
    }
  }

  const std::string uri_, target_;
  const int pool_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgStoreConnection>> idle_;
  int in_use_ = 0;
  bool closed_ = false;
  std::vector<std::weak_ptr<LockState>> locks_;
};

PgTransaction::~PgTransaction() {
  if (!done_ && !conn_->broken()) (void)conn_->finish("ROLLBACK", /*wait=*/false);
  store_->release(std::move(conn_));
}

Status PgStore::migrate(std::string_view component, const std::vector<Migration>& migrations) {
  // Servers starting together: a transaction-level advisory lock makes them
  // migrate one after the other, so each migration is applied once.
  const std::string lock_sql = fmt::format("SELECT pg_advisory_xact_lock({})", lock_key("migrate"));
  for (const Migration& m : migrations) {
    Status st = run_in_write_transaction(*this, [&](Transaction& tx) -> Status {
      MORTAR_RETURN_IF_ERROR(tx.query(lock_sql).status());
      MORTAR_RETURN_IF_ERROR(
          tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations("
                  "component TEXT NOT NULL, version INTEGER NOT NULL, description TEXT,"
                  " applied_at BIGINT NOT NULL, PRIMARY KEY(component, version))")
              .status());
      MORTAR_ASSIGN_OR_RETURN(
          auto rows, tx.query("SELECT 1 FROM schema_migrations WHERE component=? AND version=?",
                              {std::string(component), int64_t{m.version}}));
      if (!rows.empty()) return ok_status();
      // begin() on this store made tx: a PgTransaction.
      MORTAR_RETURN_IF_ERROR(
          annotate(static_cast<PgTransaction&>(tx).script(render_migration(m.sql, kPostgres)),
                   "migration " + std::string(component) + " v" + std::to_string(m.version)));
      const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
      return tx
          .exec(
              "INSERT INTO schema_migrations(component, version, description, applied_at) "
              "VALUES(?,?,?,?)",
              {std::string(component), int64_t{m.version}, m.description, now})
          .status();
    });
    MORTAR_RETURN_IF_ERROR(st);
  }
  return ok_status();
}

}  // namespace

StatusOr<std::unique_ptr<Store>> open_postgres_store(const std::string& uri, int pool_size) {
  if (pool_size < 1) return invalid_input("store.pool_size must be at least 1");
  MORTAR_ASSIGN_OR_RETURN(std::string target, sql::pg_uri_target(uri));
  auto store = std::make_unique<PgStore>(uri, target, pool_size);
  MORTAR_RETURN_IF_ERROR(store->probe());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace mortar::store
