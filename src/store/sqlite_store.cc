// The SQLite Store: one writer connection guarded by a mutex (SQLite admits
// one writer at a time anyway) and a pool of query-only reader connections,
// so reads run in parallel with each other and with the writer (WAL).
// ":memory:" uses the single writer connection for everything.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "store/dialect.h"
#include "store/sqlite_connection.h"
#include "store/store.h"

namespace mortar::store {
namespace {

constexpr auto kWriterWait = std::chrono::seconds(10);

class SqliteStore;

class SqliteTransaction : public Transaction {
 public:
  SqliteTransaction(SqliteStore* store, SqliteConnection* conn, bool pooled_reader,
                    std::unique_lock<std::timed_mutex> writer_lock)
      : store_(store),
        conn_(conn),
        pooled_reader_(pooled_reader),
        writer_lock_(std::move(writer_lock)) {}
  ~SqliteTransaction() override;

  StatusOr<int64_t> exec(std::string_view sql, const std::vector<Value>& params) override {
    if (done_) return absl::FailedPreconditionError("transaction already finished");
    return conn_->exec(sql, params);
  }
  StatusOr<std::vector<Row>> query(std::string_view sql,
                                   const std::vector<Value>& params) override {
    if (done_) return absl::FailedPreconditionError("transaction already finished");
    return conn_->query(sql, params);
  }
  Status commit() override {
    if (done_) return absl::FailedPreconditionError("transaction already finished");
    auto st = conn_->exec("COMMIT", {});
    if (!st.ok()) return st.status();  // destructor rolls back
    done_ = true;
    return ok_status();
  }

 private:
  SqliteStore* store_;
  SqliteConnection* conn_;
  bool pooled_reader_;
  std::unique_lock<std::timed_mutex> writer_lock_;
  bool done_ = false;
};

class SqliteStore : public Store {
 public:
  SqliteStore(std::unique_ptr<SqliteConnection> writer, std::string uri, bool memory)
      : writer_(std::move(writer)), uri_(std::move(uri)), memory_(memory) {
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    max_readers_ = memory ? 0 : static_cast<int>(std::max(4u, hw * 4));
  }

  StatusOr<std::unique_ptr<Transaction>> begin(bool write) override {
    if (closed_) return absl::FailedPreconditionError("store is closed");
    if (write || max_readers_ == 0) {
      std::unique_lock<std::timed_mutex> lock(writer_mu_, kWriterWait);
      if (!lock.owns_lock()) return absl::UnavailableError("store busy: writer lock timeout");
      if (closed_) return absl::FailedPreconditionError("store is closed");
      // IMMEDIATE takes the write lock up front so a transaction never fails
      // half-way upgrading a read lock (other processes may share the file).
      auto st = writer_->exec(write ? "BEGIN IMMEDIATE" : "BEGIN", {});
      if (!st.ok()) return st.status();
      return std::unique_ptr<Transaction>(
          new SqliteTransaction(this, writer_.get(), false, std::move(lock)));
    }
    MORTAR_ASSIGN_OR_RETURN(SqliteConnection * conn, acquire_reader());
    auto st = conn->exec("BEGIN", {});
    if (!st.ok()) {
      release_reader(conn);
      return st.status();
    }
    return std::unique_ptr<Transaction>(
        new SqliteTransaction(this, conn, true, std::unique_lock<std::timed_mutex>()));
  }

  Status migrate(std::string_view component, const std::vector<Migration>& migrations) override;

  std::string_view dialect() const override { return kSqlite; }
  bool shared() const override { return false; }

  StatusOr<std::unique_ptr<SessionLock>> try_lock(std::string_view name) override;

  Status close() override {
    std::unique_lock<std::timed_mutex> lock(writer_mu_);
    std::unique_lock<std::mutex> pool_lock(pool_mu_);
    if (closed_) return ok_status();
    closed_ = true;
    pool_cv_.wait(pool_lock, [&] { return in_use_ == 0; });
    idle_.clear();
    all_readers_.clear();
    writer_.reset();
    return ok_status();
  }

  ~SqliteStore() override { (void)close(); }

  void release_reader(SqliteConnection* conn) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.push_back(conn);
    --in_use_;
    pool_cv_.notify_all();
  }

 private:
  StatusOr<SqliteConnection*> acquire_reader() {
    std::unique_lock<std::mutex> lock(pool_mu_);
    while (true) {
      if (closed_) return absl::FailedPreconditionError("store is closed");
      if (!idle_.empty()) {
        SqliteConnection* conn = idle_.back();
        idle_.pop_back();
        ++in_use_;
        return conn;
      }
      if (static_cast<int>(all_readers_.size()) < max_readers_) {
        ++in_use_;
        lock.unlock();  // opening a file is slow; do not block the pool
        auto conn = SqliteConnection::open(uri_, true, memory_);
        lock.lock();
        if (!conn.ok()) {
          --in_use_;
          pool_cv_.notify_all();
          return conn.status();
        }
        all_readers_.push_back(std::move(*conn));
        return all_readers_.back().get();
      }
      pool_cv_.wait(lock);
    }
  }

  std::timed_mutex writer_mu_;
  std::unique_ptr<SqliteConnection> writer_;
  std::string uri_;
  bool memory_;
  int max_readers_;
  std::atomic<bool> closed_{false};

  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<SqliteConnection>> all_readers_;
  std::vector<SqliteConnection*> idle_;
  int in_use_ = 0;

  std::mutex locks_mu_;
  std::set<std::string> held_locks_;
};

// One server per data dir (the lock file) makes a per-process lock exact.
class ProcessLock : public SessionLock {
 public:
  ProcessLock(std::mutex& mu, std::set<std::string>& held, std::string name)
      : mu_(mu), held_(held), name_(std::move(name)) {}
  ~ProcessLock() override {
    std::lock_guard<std::mutex> lock(mu_);
    held_.erase(name_);
  }
  bool still_held() override { return true; }

 private:
  std::mutex& mu_;
  std::set<std::string>& held_;
  std::string name_;
};

StatusOr<std::unique_ptr<SessionLock>> SqliteStore::try_lock(std::string_view name) {
  std::lock_guard<std::mutex> lock(locks_mu_);
  if (!held_locks_.insert(std::string(name)).second) return std::unique_ptr<SessionLock>();
  return std::unique_ptr<SessionLock>(new ProcessLock(locks_mu_, held_locks_, std::string(name)));
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) (void)conn_->exec("ROLLBACK", {});
  if (pooled_reader_) store_->release_reader(conn_);
}

Status SqliteStore::migrate(std::string_view component, const std::vector<Migration>& migrations) {
  {
    MORTAR_ASSIGN_OR_RETURN(auto tx, begin(true));
    MORTAR_RETURN_IF_ERROR(
        tx->exec("CREATE TABLE IF NOT EXISTS schema_migrations("
                 "component TEXT NOT NULL, version INTEGER NOT NULL, description TEXT,"
                 " applied_at INTEGER NOT NULL, PRIMARY KEY(component, version))")
            .status());
    MORTAR_RETURN_IF_ERROR(tx->commit());
  }
  for (const Migration& m : migrations) {
    std::unique_lock<std::timed_mutex> lock(writer_mu_, kWriterWait);
    if (!lock.owns_lock()) return absl::UnavailableError("store busy: writer lock timeout");
    if (closed_) return absl::FailedPreconditionError("store is closed");
    MORTAR_RETURN_IF_ERROR(writer_->exec("BEGIN IMMEDIATE", {}).status());
    auto body = [&]() -> Status {
      MORTAR_ASSIGN_OR_RETURN(
          auto rows,
          writer_->query("SELECT 1 FROM schema_migrations WHERE component=? AND version=?",
                         {std::string(component), int64_t{m.version}}));
      if (!rows.empty()) return ok_status();
      Status st = writer_->exec_script(render_migration(m.sql, kSqlite));
      if (!st.ok()) {
        return annotate(st,
                        "migration " + std::string(component) + " v" + std::to_string(m.version));
      }
      int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      return writer_
          ->exec(
              "INSERT INTO schema_migrations(component, version, description, applied_at) "
              "VALUES(?,?,?,?)",
              {std::string(component), int64_t{m.version}, m.description, now})
          .status();
    };
    Status st = body();
    if (st.ok()) st = writer_->exec("COMMIT", {}).status();
    if (!st.ok()) {
      (void)writer_->exec("ROLLBACK", {});
      return st;
    }
  }
  return ok_status();
}

}  // namespace

StatusOr<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  bool memory = path == ":memory:" || path.empty();
  std::string uri;
  if (memory) {
    uri = ":memory:";
  } else {
    // A file: URI so query parameters never get misread from odd file names.
    uri = "file:";
    for (char c : path) {
      if (c == '?' || c == '#' || c == '%') {
        char buf[4];
        snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        uri += buf;
      } else {
        uri += c;
      }
    }
  }
  MORTAR_ASSIGN_OR_RETURN(auto writer, SqliteConnection::open(uri, false, memory));
  return std::unique_ptr<Store>(new SqliteStore(std::move(writer), uri, memory));
}

}  // namespace mortar::store
