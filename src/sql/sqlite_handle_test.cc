// Opening SQLite files for JDBC URLs and the store: what exists, what is
// created, and what the errors say.
#include "sql/sqlite_handle.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace mortar::sql {
namespace {

class SqliteHandle : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mortar_sqlite_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

int64_t count_rows(sqlite3* db, const char* table) {
  sqlite3_stmt* raw = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, (std::string("SELECT count(*) FROM ") + table).c_str(), -1, &raw,
                               nullptr),
            SQLITE_OK);
  SqliteStmt stmt(raw);
  EXPECT_EQ(sqlite3_step(stmt.get()), SQLITE_ROW);
  return sqlite3_column_int64(stmt.get(), 0);
}

TEST_F(SqliteHandle, ReadWriteCreatesTheFileAndReadOnlyReadsIt) {
  const std::string file = dir_ + "/shop.db";
  {
    auto db = open_sqlite_file(file, false, "SQLite", 1000);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_EQ(sqlite3_exec(db->get(), "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
  }
  ASSERT_TRUE(std::filesystem::is_regular_file(file));
  auto db = open_sqlite_file(file, true, "SQLite", 1000);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(count_rows(db->get(), "t"), 2);
  // Read-only means read-only.
  EXPECT_EQ(sqlite3_exec(db->get(), "INSERT INTO t VALUES (3)", nullptr, nullptr, nullptr),
            SQLITE_READONLY);
}

TEST_F(SqliteHandle, ReadOnlyMissingFileIsNotFoundNamingTheLabel) {
  auto db = open_sqlite_file(dir_ + "/missing.db", true, "connection lite (SQLite file x)", 1000);
  ASSERT_EQ(db.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status_message(db.status()),
            "connection lite (SQLite file x): the database file does not exist");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/missing.db"));
}

TEST_F(SqliteHandle, DirectoryIsNotARegularFile) {
  for (bool read_only : {true, false}) {
    auto db = open_sqlite_file(dir_, read_only, "SQLite", 1000);
    ASSERT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(status_message(db.status()), "SQLite: not a regular file");
  }
}

TEST_F(SqliteHandle, UnopenableFileIsUnavailableWithSqlitesMessage) {
  auto db = open_sqlite_file(dir_ + "/no/such/dir/x.db", false, "SQLite", 1000);
  ASSERT_EQ(db.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status_message(db.status()), "SQLite: cannot open: unable to open database file");

  auto raw = open_sqlite(dir_ + "/no/such/dir/x.db", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_EQ(raw.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status_message(raw.status()), "unable to open database file");
}

TEST_F(SqliteHandle, OpenWithUriFlags) {
  auto db = open_sqlite("file:" + dir_ + "/u.db?mode=rwc",
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_EQ(sqlite3_exec(db->get(), "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ + "/u.db"));
}

}  // namespace
}  // namespace mortar::sql
