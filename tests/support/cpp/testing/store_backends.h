// Test-only (mortar_testing, header-only): a fresh Store per test on each
// backend — SQLite in memory, a SQLite file, or a PostgreSQL database of the
// test binary's one PostgresTestServer (started on first use, stopped at
// exit; a fresh database per test). If PostgreSQL cannot be started the
// PostgreSQL tests fail saying why.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "store/store.h"
#include "testing/postgres_test_server.h"

namespace mortar::test_support {

enum class StoreBackend { kSqliteMemory, kSqliteFile, kPostgres };

inline std::string backend_name(StoreBackend b) {
  switch (b) {
    case StoreBackend::kSqliteMemory:
      return "SqliteMemory";
    case StoreBackend::kSqliteFile:
      return "SqliteFile";
    default:
      return "Postgres";
  }
}

// The binary's PostgreSQL server: started once, stopped at exit.
class SharedPostgres {
 public:
  static SharedPostgres& get() {
    static SharedPostgres* instance = [] {
      auto* s = new SharedPostgres();
      s->error_ = s->server_.start();
      std::atexit([] { get().server_.stop(); });
      return s;
    }();
    return *instance;
  }
  const std::string& error() const { return error_; }
  PostgresTestServer& server() { return server_; }

  // A new empty database; its libpq URL (as the superuser, with password) in
  // *url. "" on success, else why not.
  std::string create_database(std::string* db_name, std::string* url) {
    if (!error_.empty()) return "PostgreSQL test server did not start: " + error_;
    static std::atomic<int> counter{0};
    *db_name = fmt::format("t_{}_{}", ::getpid(), counter++);
    if (!server_.sql("postgres", "CREATE DATABASE " + *db_name + ";"))
      return "CREATE DATABASE " + *db_name + " failed";
    *url = fmt::format("postgresql://postgres:{}@127.0.0.1:{}/{}", PostgresTestServer::kPassword,
                       server_.port(), *db_name);
    return "";
  }

 private:
  PostgresTestServer server_;
  std::string error_;
};

// A store of `backend` for one test; cleans up its temp dir. open() returns
// "" or why the store could not be opened.
class TestStore {
 public:
  std::string open(StoreBackend backend) {
    backend_ = backend;
    switch (backend) {
      case StoreBackend::kSqliteMemory:
        return take(store::open_sqlite_store(":memory:"));
      case StoreBackend::kSqliteFile: {
        static std::atomic<int> counter{0};
        dir_ = std::filesystem::temp_directory_path() /
               fmt::format("mortar_store_{}_{}", ::getpid(), counter++);
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        return take(store::open_sqlite_store((dir_ / "catalog.db").string()));
      }
      case StoreBackend::kPostgres: {
        std::string err = SharedPostgres::get().create_database(&db_, &url_);
        if (!err.empty()) return err;
        return take(store::open_postgres_store(url_, 4));
      }
    }
    return "unknown backend";
  }
  // Another Store on the same data (file or database), e.g. a second server.
  StatusOr<std::unique_ptr<store::Store>> open_again() const {
    if (backend_ == StoreBackend::kPostgres) return store::open_postgres_store(url_, 4);
    return store::open_sqlite_store((dir_ / "catalog.db").string());
  }
  ~TestStore() {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!db_.empty())
      SharedPostgres::get().server().sql("postgres",
                                         "DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE);");
  }

  store::Store& operator*() { return *store_; }
  store::Store* operator->() { return store_.get(); }
  store::Store* get() { return store_.get(); }
  void reset() { store_.reset(); }
  std::unique_ptr<store::Store>& ptr() { return store_; }
  const std::string& url() const { return url_; }
  const std::string& database() const { return db_; }
  StoreBackend backend() const { return backend_; }

 private:
  std::string take(StatusOr<std::unique_ptr<store::Store>> s) {
    if (!s.ok()) return std::string(s.status().message());
    store_ = std::move(*s);
    return "";
  }

  StoreBackend backend_ = StoreBackend::kSqliteMemory;
  std::filesystem::path dir_;
  std::string db_, url_;
  std::unique_ptr<store::Store> store_;
};

// Instantiates the value-parameterized `fixture` (a TestWithParam<StoreBackend>)
// on `sqlite` (kSqliteMemory or kSqliteFile) and PostgreSQL.
#define MORTAR_ON_STORE_BACKENDS(fixture, sqlite)                                 \
  INSTANTIATE_TEST_SUITE_P(                                                       \
      Backends, fixture,                                                          \
      ::testing::Values(sqlite, ::mortar::test_support::StoreBackend::kPostgres), \
      [](const auto& info) { return ::mortar::test_support::backend_name(info.param); })

}  // namespace mortar::test_support
