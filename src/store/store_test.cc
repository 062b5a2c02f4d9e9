#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace mortar::store {
namespace {

std::vector<Migration> kMigrations = {
    {1, "parents", "CREATE TABLE parents(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"},
    {2, "children",
     "CREATE TABLE children(id INTEGER PRIMARY KEY,"
     " parent_id INTEGER NOT NULL REFERENCES parents(id) ON DELETE CASCADE, v TEXT);"
     "CREATE INDEX children_parent ON children(parent_id)"},
};

class StoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      dir_ = std::filesystem::temp_directory_path() /
             ("mortar_store_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      path_ = (dir_ / "m.db").string();
    } else {
      path_ = ":memory:";
    }
    auto s = open_sqlite_store(path_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->migrate("test", kMigrations).ok());
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, CommitPersistsAndRollbackDiscards) {
  ASSERT_TRUE(run_in_write_transaction(*store_, [](Transaction& tx) {
                return tx.exec("INSERT INTO parents(name) VALUES(?)", {std::string("a")}).status();
              }).ok());
  {
    auto tx = store_->begin(true);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->exec("INSERT INTO parents(name) VALUES('b')").ok());
  }  // destroyed without commit: rolled back
  auto tx = store_->begin(false);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->query("SELECT name FROM parents ORDER BY name");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].text_at(0), "a");
}

TEST_P(StoreTest, ConstraintViolationsMapToStatusCodes) {
  auto tx = store_->begin(true);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->exec("INSERT INTO parents(name) VALUES('a')").ok());
  auto dup = (*tx)->exec("INSERT INTO parents(name) VALUES('a')");
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  auto fk = (*tx)->exec("INSERT INTO children(parent_id, v) VALUES(999, 'x')");
  EXPECT_TRUE(absl::IsFailedPrecondition(fk.status())) << fk.status();
  auto bad = (*tx)->exec("SELEC nonsense");
  EXPECT_TRUE(absl::IsInternal(bad.status())) << bad.status();
}

TEST_P(StoreTest, DeleteCascadesThroughForeignKeys) {
  ASSERT_TRUE(run_in_write_transaction(*store_, [](Transaction& tx) {
                MORTAR_RETURN_IF_ERROR(
                    tx.exec("INSERT INTO parents(id, name) VALUES(1,'p')").status());
                MORTAR_RETURN_IF_ERROR(
                    tx.exec("INSERT INTO children(parent_id, v) VALUES(1,'c1')").status());
                MORTAR_RETURN_IF_ERROR(
                    tx.exec("INSERT INTO children(parent_id, v) VALUES(1,'c2')").status());
                return tx.exec("DELETE FROM parents WHERE id=1").status();
              }).ok());
  auto tx = store_->begin(false);
  auto rows = (*tx)->query("SELECT count(*) FROM children");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].int_at(0), 0);
}

TEST_P(StoreTest, MigrationsAreAppliedOnceAndRecorded) {
  // Re-running is a no-op; a new version is applied on top.
  auto more = kMigrations;
  more.push_back({3, "extra column", "ALTER TABLE parents ADD COLUMN note TEXT"});
  ASSERT_TRUE(store_->migrate("test", more).ok());
  ASSERT_TRUE(store_->migrate("test", more).ok());
  auto tx = store_->begin(false);
  auto rows =
      (*tx)->query("SELECT version FROM schema_migrations WHERE component='test' ORDER BY version");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[2].int_at(0), 3);
}

TEST_P(StoreTest, FailedMigrationLeavesNothingBehind) {
  std::vector<Migration> bad = {{1, "half", "CREATE TABLE t1(x); CREATE TABLE parents(y)"}};
  EXPECT_FALSE(store_->migrate("bad", bad).ok());
  auto tx = store_->begin(false);
  auto rows = (*tx)->query("SELECT count(*) FROM sqlite_master WHERE name='t1'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].int_at(0), 0);
  auto applied = (*tx)->query("SELECT count(*) FROM schema_migrations WHERE component='bad'");
  EXPECT_EQ((*applied)[0].int_at(0), 0);
}

TEST_P(StoreTest, ValuesRoundTrip) {
  ASSERT_TRUE(run_in_write_transaction(*store_, [](Transaction& tx) {
                return tx.exec("CREATE TABLE v(a, b, c, d, e)").status();
              }).ok());
  auto tx = store_->begin(true);
  ASSERT_TRUE((*tx)
                  ->exec("INSERT INTO v VALUES(?,?,?,?,?)",
                         {std::monostate{}, int64_t{1} << 40, 2.5, std::string("t\0x", 3),
                          Blob{std::string("\x01\x00\x02", 3)}})
                  .ok());
  auto rows = (*tx)->query("SELECT a,b,c,d,e FROM v");
  ASSERT_TRUE(rows.ok());
  const Row& r = (*rows)[0];
  EXPECT_TRUE(r.is_null(0));
  EXPECT_EQ(r.int_at(1), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(r.real_at(2), 2.5);
  EXPECT_EQ(r.text_at(3), std::string("t\0x", 3));
  EXPECT_EQ(r.text_at(4), std::string("\x01\x00\x02", 3));
  ASSERT_TRUE((*tx)->commit().ok());
  EXPECT_FALSE((*tx)->commit().ok());
}

TEST_P(StoreTest, ConcurrentWritersAndReadersStayConsistent) {
  constexpr int kThreads = 4, kPerThread = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = run_in_write_transaction(*store_, [&](Transaction& tx) {
          return tx
              .exec("INSERT INTO parents(name) VALUES(?)",
                    {std::to_string(t) + "-" + std::to_string(i)})
              .status();
        });
        if (!st.ok()) ++failures;
        Status rs = run_in_read_transaction(*store_, [](Transaction& tx) {
          return tx.query("SELECT count(*) FROM parents").status();
        });
        if (!rs.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  auto tx = store_->begin(false);
  auto rows = (*tx)->query("SELECT count(*) FROM parents");
  EXPECT_EQ((*rows)[0].int_at(0), kThreads * kPerThread);
}

// Only files have separate reader connections (":memory:" is one connection).
TEST_P(StoreTest, SessionLockHasOneHolderUntilReleased) {
  auto first = store_->try_lock("scheduler");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_NE(*first, nullptr);
  EXPECT_TRUE((*first)->still_held());
  auto second = store_->try_lock("scheduler");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, nullptr);
  auto other = store_->try_lock("another");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, nullptr);
  first->reset();
  auto third = store_->try_lock("scheduler");
  ASSERT_TRUE(third.ok());
  EXPECT_NE(*third, nullptr);
}

class FileStoreTest : public StoreTest {};

TEST_P(FileStoreTest, ReadSnapshotIsStableWhileWriterCommits) {
  ASSERT_TRUE(run_in_write_transaction(*store_, [](Transaction& tx) {
                return tx.exec("INSERT INTO parents(name) VALUES('x')").status();
              }).ok());
  auto reader = store_->begin(false);
  ASSERT_TRUE(reader.ok());
  auto before = (*reader)->query("SELECT count(*) FROM parents");
  ASSERT_TRUE(run_in_write_transaction(*store_, [](Transaction& tx) {
                return tx.exec("INSERT INTO parents(name) VALUES('y')").status();
              }).ok());
  auto after = (*reader)->query("SELECT count(*) FROM parents");
  EXPECT_EQ((*before)[0].int_at(0), 1);
  EXPECT_EQ((*after)[0].int_at(0), 1);
}

TEST(SqliteStoreFile, DataSurvivesReopen) {
  auto dir =
      std::filesystem::temp_directory_path() / ("mortar_reopen_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = (dir / "m.db").string();
  {
    auto s = open_sqlite_store(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->migrate("test", kMigrations).ok());
    ASSERT_TRUE(run_in_write_transaction(**s, [](Transaction& tx) {
                  return tx.exec("INSERT INTO parents(name) VALUES('kept')").status();
                }).ok());
    ASSERT_TRUE((*s)->close().ok());
    EXPECT_FALSE((*s)->begin(false).ok());
  }
  auto s = open_sqlite_store(path);
  ASSERT_TRUE(s.ok());
  auto tx = (*s)->begin(false);
  auto rows = (*tx)->query("SELECT name FROM parents");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].text_at(0), "kept");
  tx->reset();
  s->reset();
  std::filesystem::remove_all(dir);
}

TEST(SqliteStoreFile, UnwritableDirectoryIsAnError) {
  auto s = open_sqlite_store("/nonexistent-dir/x/y.db");
  EXPECT_FALSE(s.ok());
}

INSTANTIATE_TEST_SUITE_P(File, FileStoreTest, ::testing::Values(true));
INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "File" : "Memory"; });

}  // namespace
}  // namespace mortar::store
