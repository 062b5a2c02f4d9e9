#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "store/dialect.h"
#include "testing/store_backends.h"

namespace mortar::store {
namespace {

using test_support::StoreBackend;
using test_support::TestStore;

std::vector<Migration> kMigrations = {
    {1, "parents", "CREATE TABLE parents(id {{AUTO_ID}}, name TEXT UNIQUE NOT NULL)"},
    {2, "children",
     "CREATE TABLE children(id {{AUTO_ID}},"
     " parent_id BIGINT NOT NULL REFERENCES parents(id) ON DELETE CASCADE, v TEXT);"
     "CREATE INDEX children_parent ON children(parent_id)"},
};

class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    const std::string err = store_.open(GetParam());
    ASSERT_EQ(err, "");
    auto st = store_->migrate("test", kMigrations);
    ASSERT_TRUE(st.ok()) << st;
  }
  bool postgres() const { return GetParam() == StoreBackend::kPostgres; }
  Status write(const std::string& sql) {
    return run_in_write_transaction(*store_,
                                    [&](Transaction& tx) { return tx.exec(sql).status(); });
  }
  int64_t count(Store& s, const std::string& sql) {
    auto tx = s.begin(false);
    EXPECT_TRUE(tx.ok()) << tx.status();
    if (!tx.ok()) return -1;
    auto rows = (*tx)->query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].int_at(0) : -1;
  }
  TestStore store_;
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

TEST_P(StoreTest, ReadOneSeesEveryCommitBeforeItAndMapsErrors) {
  auto names = [&](const std::string& prefix) -> std::vector<std::string> {
    auto rows =
        store_->read_one("SELECT name FROM parents WHERE name >= ? ORDER BY name", {prefix});
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<std::string> out;
    if (rows.ok())
      for (const Row& r : *rows) out.push_back(r.text_at(0));
    return out;
  };
  EXPECT_TRUE(names("").empty());
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('a'), ('b')").ok());
  EXPECT_EQ(names("b"), std::vector<std::string>{"b"});
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('c')").ok());
  EXPECT_EQ(names("b"), (std::vector<std::string>{"b", "c"}));
  auto bad = store_->read_one("SELECT no_such_column FROM parents");
  EXPECT_TRUE(absl::IsInternal(bad.status())) << bad.status();
  EXPECT_EQ(names("c"), std::vector<std::string>{"c"});  // the store is still usable
}

TEST_P(StoreTest, ConstraintViolationsMapToStatusCodes) {
  ASSERT_TRUE(write("CREATE TABLE checked(n BIGINT NOT NULL CHECK (n > 0))").ok());
  auto expect = [&](const std::string& sql, absl::StatusCode code) {
    auto tx = store_->begin(true);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->exec("INSERT INTO parents(id, name) VALUES(1, 'a')").ok());
    auto r = (*tx)->exec(sql);
    EXPECT_EQ(r.status().code(), code) << sql << ": " << r.status();
  };
  expect("INSERT INTO parents(name) VALUES('a')", absl::StatusCode::kAlreadyExists);
  expect("INSERT INTO parents(id, name) VALUES(1, 'b')", absl::StatusCode::kAlreadyExists);
  expect("INSERT INTO children(parent_id, v) VALUES(999, 'x')",
         absl::StatusCode::kFailedPrecondition);
  expect("INSERT INTO checked(n) VALUES(NULL)", absl::StatusCode::kInvalidArgument);
  expect("INSERT INTO checked(n) VALUES(-1)", absl::StatusCode::kInvalidArgument);
  expect("SELEC nonsense", absl::StatusCode::kInternal);
}

TEST_P(StoreTest, AFailedStatementEndsTheTransaction) {
  // PostgreSQL aborts the transaction at an error; SQLite would go on. Both
  // backends at least refuse to commit what followed a failure silently on
  // PostgreSQL, and nothing of it is visible afterwards.
  auto tx = store_->begin(true);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->exec("INSERT INTO parents(name) VALUES('a')").ok());
  EXPECT_TRUE(absl::IsAlreadyExists((*tx)->exec("INSERT INTO parents(name) VALUES('a')").status()));
  if (postgres()) {
    auto later = (*tx)->exec("INSERT INTO parents(name) VALUES('b')");
    EXPECT_TRUE(absl::IsAlreadyExists(later.status())) << later.status();  // the first failure
    EXPECT_TRUE(absl::IsAlreadyExists((*tx)->commit()));
    tx->reset();
    EXPECT_EQ(count(*store_, "SELECT count(*) FROM parents"), 0);
  }
}

TEST_P(StoreTest, QuestionMarksInsideQuotesAndCommentsAreNotPlaceholders) {
  ASSERT_TRUE(
      run_in_write_transaction(*store_, [](Transaction& tx) {
        return tx
            .exec("INSERT INTO parents(name) VALUES('why?' || ? || 'it''s ?') -- trailing ?\n",
                  {std::string("-")})
            .status();
      }).ok());
  auto tx = store_->begin(false);
  auto rows = (*tx)->query("SELECT name, /* ? */ ? FROM parents WHERE name <> '?'", {int64_t{7}});
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].text_at(0), "why?-it's ?");
  EXPECT_EQ((*rows)[0].int_at(1), 7);
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
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM children"), 0);
}

TEST_P(StoreTest, AutoIdsIncreaseAndReturning) {
  std::vector<int64_t> ids;
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(run_in_write_transaction(*store_, [&](Transaction& tx) -> Status {
                  MORTAR_ASSIGN_OR_RETURN(
                      auto rows, tx.query("INSERT INTO parents(name) VALUES(?) RETURNING id",
                                          {std::string(name)}));
                  ids.push_back(rows.at(0).int_at(0));
                  return ok_status();
                }).ok());
  }
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
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
  std::vector<Migration> bad = {
      {1, "half", "CREATE TABLE t1(x TEXT); CREATE TABLE parents(y TEXT)"}};
  EXPECT_FALSE(store_->migrate("bad", bad).ok());
  {
    auto tx = store_->begin(false);
    EXPECT_FALSE((*tx)->query("SELECT count(*) FROM t1").ok());
  }
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM schema_migrations WHERE component='bad'"), 0);
}

TEST_P(StoreTest, ConcurrentMigrationsApplyOnce) {
  // Two servers starting at once on one database (a file on SQLite).
  if (GetParam() == StoreBackend::kSqliteMemory) return;  // no second connection to the same data
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok()) << other.status();
  std::vector<Migration> counted = {
      {1, "table", "CREATE TABLE applied(n BIGINT)"},
      {2, "count", "INSERT INTO applied VALUES(1)"},
      {3, "count", "INSERT INTO applied VALUES(1)"},
  };
  Status a, b;
  std::thread t1([&] { a = store_->migrate("race", counted); });
  std::thread t2([&] { b = (*other)->migrate("race", counted); });
  t1.join();
  t2.join();
  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM applied"), 2);
}

TEST_P(StoreTest, ValuesRoundTrip) {
  ASSERT_TRUE(
      store_
          ->migrate("values", {{1, "v",
                                "CREATE TABLE v(a TEXT, b BIGINT, c {{DOUBLE}}, d TEXT, e {{BLOB}},"
                                " f NUMERIC, g NUMERIC)"}})
          .ok());
  auto tx = store_->begin(true);
  // Microseconds since the epoch, beyond a double's 53 bits of integers.
  const int64_t micros = 1'700'000'000'123'457;
  const int64_t big = (int64_t{1} << 62) + 3;
  auto ins = (*tx)->exec("INSERT INTO v VALUES(?,?,?,?,?,?,?)",
                         {std::monostate{}, micros, 2.5, std::string("t\x01x\xc3\xa9"),
                          Blob{std::string("\x01\x00\x02\xff", 4)}, big, 0.25});
  ASSERT_TRUE(ins.ok()) << ins.status();
  auto rows = (*tx)->query("SELECT a,b,c,d,e,f,g FROM v");
  ASSERT_TRUE(rows.ok());
  const Row& r = (*rows)[0];
  EXPECT_TRUE(r.is_null(0));
  EXPECT_EQ(r.int_at(1), micros);
  EXPECT_TRUE(std::holds_alternative<int64_t>(r.values[1]));
  EXPECT_DOUBLE_EQ(r.real_at(2), 2.5);
  EXPECT_EQ(r.text_at(3), std::string("t\x01x\xc3\xa9"));
  EXPECT_TRUE(std::holds_alternative<Blob>(r.values[4]));
  EXPECT_EQ(r.text_at(4), std::string("\x01\x00\x02\xff", 4));
  EXPECT_EQ(r.int_at(5), big);  // integral NUMERIC stays exact
  EXPECT_DOUBLE_EQ(r.real_at(6), 0.25);
  ASSERT_TRUE((*tx)->commit().ok());
  EXPECT_FALSE((*tx)->commit().ok());
}

TEST_P(StoreTest, TextComparesByBytes) {
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('a'), ('B'), ('_c'), ('\xc3\xa9')").ok());
  auto tx = store_->begin(false);
  auto rows =
      (*tx)->query("SELECT name FROM parents WHERE name > ? ORDER BY name", {std::string("B")});
  ASSERT_TRUE(rows.ok());
  std::vector<std::string> names;
  for (const auto& r : *rows) names.push_back(r.text_at(0));
  EXPECT_EQ(names, (std::vector<std::string>{"_c", "a", "\xc3\xa9"}));
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
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM parents"), kThreads * kPerThread);
}

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

TEST_P(StoreTest, ReadSnapshotIsStableWhileWriterCommits) {
  if (GetParam() == StoreBackend::kSqliteMemory)
    return;  // one connection: reads and writes serialize
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('x')").ok());
  auto reader = store_->begin(false);
  ASSERT_TRUE(reader.ok());
  auto before = (*reader)->query("SELECT count(*) FROM parents");
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('y')").ok());
  auto after = (*reader)->query("SELECT count(*) FROM parents");
  EXPECT_EQ((*before)[0].int_at(0), 1);
  EXPECT_EQ((*after)[0].int_at(0), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(StoreBackend::kSqliteMemory, StoreBackend::kSqliteFile,
                                           StoreBackend::kPostgres),
                         [](const auto& info) { return test_support::backend_name(info.param); });

// ---- PostgreSQL only ----------------------------------------------------

class PostgresStoreTest : public StoreTest {
 protected:
  // Raises `sqlstate` inside a transaction and returns the mapped status.
  Status raised(const std::string& sqlstate) {
    auto tx = store_->begin(true);
    if (!tx.ok()) return tx.status();
    return (*tx)
        ->exec("DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '" + sqlstate + "'; END $$")
        .status();
  }
};

TEST_P(PostgresStoreTest, ServerErrorClassesMapLikeSqlite) {
  EXPECT_TRUE(absl::IsAlreadyExists(raised("23505")));
  EXPECT_TRUE(absl::IsFailedPrecondition(raised("23503")));
  EXPECT_TRUE(absl::IsInvalidArgument(raised("23502")));
  EXPECT_TRUE(absl::IsInvalidArgument(raised("23514")));
  EXPECT_TRUE(absl::IsUnavailable(raised("40001")));
  EXPECT_TRUE(absl::IsUnavailable(raised("40P01")));
  EXPECT_TRUE(absl::IsPermissionDenied(raised("42501")));
  EXPECT_TRUE(absl::IsInternal(raised("XX000")));
  // A real privilege failure, not only its code.
  ASSERT_TRUE(write("CREATE ROLE " + store_.database() + "_ro NOLOGIN").ok());
  auto tx = store_->begin(true);
  ASSERT_TRUE((*tx)->exec("SET LOCAL ROLE " + store_.database() + "_ro").ok());
  auto denied = (*tx)->query("SELECT * FROM parents");
  EXPECT_TRUE(absl::IsPermissionDenied(denied.status())) << denied.status();
  tx->reset();
  ASSERT_TRUE(write("DROP ROLE " + store_.database() + "_ro").ok());
}

TEST_P(PostgresStoreTest, LostConnectionIsUnavailableAndRetried) {
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok());
  auto tx = store_->begin(true);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->exec("INSERT INTO parents(name) VALUES('lost')").ok());
  ASSERT_TRUE(run_in_write_transaction(**other, [](Transaction& t) {
                return t
                    .query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND state LIKE 'idle in transaction%'")
                    .status();
              }).ok());
  auto r = (*tx)->exec("INSERT INTO parents(name) VALUES('after')");
  EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  tx->reset();
  // The pool drops the dead connection; the next transaction works.
  EXPECT_TRUE(write("INSERT INTO parents(name) VALUES('again')").ok());
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM parents"), 1);
}

// Another server's migration changes a table under a statement this store
// prepared: the retry runs it on a fresh connection instead of failing.
TEST_P(PostgresStoreTest, AStatementPreparedBeforeAMigrationIsRetried) {
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('p')").ok());
  EXPECT_EQ(count(*store_, "SELECT count(*) FROM parents"), 1);
  auto read_all = [&](std::vector<Row>* rows) {
    return run_in_read_transaction(*store_, [&](Transaction& tx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(*rows, tx.query("SELECT * FROM parents"));
      return ok_status();
    });
  };
  std::vector<Row> before, after;
  ASSERT_TRUE(read_all(&before).ok());
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(run_in_write_transaction(**other, [](Transaction& tx) {
                return tx.exec("ALTER TABLE parents ADD COLUMN extra TEXT").status();
              }).ok());
  Status s = read_all(&after);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].values.size(), before[0].values.size() + 1);
}

// BEGIN goes out with a transaction's first statement and a read's COMMIT
// (or any ROLLBACK) is not awaited: on a one-connection pool every way a
// transaction can end must leave the connection clean for the next one.
TEST_P(PostgresStoreTest, OneConnectionServesEveryWayATransactionEnds) {
  auto one = open_postgres_store(store_.url(), 1);
  ASSERT_TRUE(one.ok()) << one.status();
  Store& s = **one;
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok());
  auto text = [](Transaction& tx, const std::string& sql) {
    auto rows = tx.query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].text_at(0) : std::string("?");
  };
  // Empty transactions: nothing to send, nothing to fail.
  for (bool write : {false, true}) {
    auto tx = s.begin(write);
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE((*tx)->commit().ok());
  }
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('a')").ok());
  for (int round = 0; round < 2; ++round) {  // new statements, then cached ones
    {
      // The read's snapshot starts at its first statement: a commit by
      // another store in between stays invisible to the second.
      auto tx = s.begin(false);
      ASSERT_TRUE(tx.ok());
      EXPECT_EQ(text(**tx, "SHOW transaction_isolation"), "repeatable read");
      EXPECT_EQ(text(**tx, "SHOW transaction_read_only"), "on");
      auto first = (*tx)->query("SELECT count(*) FROM parents");
      ASSERT_TRUE(first.ok()) << first.status();
      ASSERT_TRUE(run_in_write_transaction(**other, [&](Transaction& t) {
                    return t
                        .exec("INSERT INTO parents(name) VALUES(?)", {"r" + std::to_string(round)})
                        .status();
                  }).ok());
      auto second = (*tx)->query("SELECT count(*) FROM parents");
      ASSERT_TRUE(second.ok());
      EXPECT_EQ((*second)[0].int_at(0), (*first)[0].int_at(0));
      EXPECT_TRUE((*tx)->commit().ok());
    }
    {
      auto tx = s.begin(true);
      ASSERT_TRUE(tx.ok());
      EXPECT_EQ(text(**tx, "SHOW transaction_isolation"), "read committed");
      EXPECT_EQ(text(**tx, "SHOW transaction_read_only"), "off");
      ASSERT_TRUE((*tx)->exec("INSERT INTO parents(name) VALUES('dropped')").ok());
    }  // destroyed: ROLLBACK sent, not awaited
    {
      auto tx = s.begin(false);
      ASSERT_TRUE(tx.ok());
      ASSERT_TRUE((*tx)->query("SELECT count(*) FROM parents").ok());
    }  // a read destroyed without commit
    {
      // A failing first statement (its PREPARE fails): the transaction
      // reports that error from then on; the connection stays usable.
      auto tx = s.begin(false);
      ASSERT_TRUE(tx.ok());
      auto bad = (*tx)->query("SELECT no_such_column FROM parents");
      EXPECT_TRUE(absl::IsInternal(bad.status())) << bad.status();
      EXPECT_EQ((*tx)->query("SELECT 1").status(), bad.status());
      EXPECT_EQ((*tx)->commit(), bad.status());
    }
    {
      auto tx = s.begin(true);
      ASSERT_TRUE(tx.ok());
      auto dup = (*tx)->exec("INSERT INTO parents(id, name) SELECT id, 'dup' FROM parents LIMIT 1");
      EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
    }
    Status kept = run_in_write_transaction(s, [&](Transaction& tx) {
      return tx.exec("INSERT INTO parents(name) VALUES(?)", {"kept" + std::to_string(round)})
          .status();
    });
    ASSERT_TRUE(kept.ok()) << kept;
  }
  EXPECT_EQ(count(s, "SELECT count(*) FROM parents WHERE name = 'dropped'"), 0);
  EXPECT_EQ(count(s, "SELECT count(*) FROM parents"), 5);  // a, r0, r1, kept x2
  EXPECT_EQ(count(**other, "SELECT count(*) FROM parents"), 5);
}

// read_one runs without BEGIN/COMMIT on a pooled connection that may owe an
// unawaited COMMIT, leaves it clean (also after an error) and is retried
// on a new connection when its connection died.
TEST_P(PostgresStoreTest, ReadOneSharesTheConnectionWithTransactions) {
  auto one = open_postgres_store(store_.url(), 1);
  ASSERT_TRUE(one.ok()) << one.status();
  Store& s = **one;
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(write("INSERT INTO parents(name) VALUES('a')").ok());
  auto pid = [&]() -> int64_t {
    auto rows = s.read_one("SELECT pg_backend_pid()");
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].int_at(0) : -1;
  };
  for (int round = 0; round < 2; ++round) {  // new statements, then cached ones
    // A read transaction whose COMMIT is left unawaited on the connection.
    ASSERT_EQ(count(s, "SELECT count(*) FROM parents"), 1);
    // Not inside the read transactions' REPEATABLE READ READ ONLY.
    auto iso = s.read_one("SHOW transaction_isolation");
    ASSERT_TRUE(iso.ok()) << iso.status();
    EXPECT_EQ((*iso)[0].text_at(0), "read committed");
    auto bad = s.read_one("SELECT no_such_column FROM parents WHERE name = ?", {std::string("a")});
    EXPECT_TRUE(absl::IsInternal(bad.status())) << bad.status();
    auto rows = s.read_one("SELECT name FROM parents WHERE name = ?", {std::string("a")});
    ASSERT_TRUE(rows.ok()) << rows.status();
    EXPECT_EQ(rows->size(), 1u);
    ASSERT_TRUE(run_in_write_transaction(s, [](Transaction& tx) {
                  return tx.exec("UPDATE parents SET name = name").status();
                }).ok());
  }
  const int64_t before = pid();
  ASSERT_TRUE(run_in_write_transaction(**other, [&](Transaction& tx) {
                return tx.query("SELECT pg_terminate_backend(?::int, 5000)", {before}).status();
              }).ok());
  const int64_t after = pid();  // Unavailable on the dead connection, retried on a new one
  EXPECT_GT(after, 0);
  EXPECT_NE(after, before);
}

// A pooled connection that dies after its unawaited COMMIT is replaced.
TEST_P(PostgresStoreTest, ConnectionKilledAfterAnUnawaitedCommitIsReplaced) {
  auto one = open_postgres_store(store_.url(), 1);
  ASSERT_TRUE(one.ok()) << one.status();
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok());
  for (int i = 0; i < 2; ++i) {
    int64_t pid = 0;
    ASSERT_TRUE(run_in_read_transaction(**one, [&](Transaction& tx) -> Status {
                  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT pg_backend_pid()"));
                  pid = rows[0].int_at(0);
                  return ok_status();
                }).ok());
    // Waits until that backend has exited.
    ASSERT_TRUE(run_in_write_transaction(**other, [&](Transaction& tx) {
                  return tx.query("SELECT pg_terminate_backend(?::int, 5000)", {pid}).status();
                }).ok());
    // The next read finds the dead connection (when draining or at its
    // first statement: Unavailable, retried) and runs on a new one.
    int64_t n = -1;
    EXPECT_TRUE(run_in_read_transaction(**one, [&](Transaction& tx) -> Status {
                  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT count(*) FROM parents"));
                  n = rows[0].int_at(0);
                  return ok_status();
                }).ok());
    EXPECT_EQ(n, 0);
  }
}

TEST_P(PostgresStoreTest, SessionLockIsExclusiveAcrossStoresAndReleasedOnClose) {
  auto other = store_.open_again();
  ASSERT_TRUE(other.ok());
  auto mine = store_->try_lock("scheduler");
  ASSERT_TRUE(mine.ok() && *mine) << mine.status();
  auto theirs = (*other)->try_lock("scheduler");
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(*theirs, nullptr);
  ASSERT_TRUE(store_->close().ok());  // the holder's store closes: the lock goes with it
  EXPECT_FALSE((*mine)->still_held());
  auto now = (*other)->try_lock("scheduler");
  ASSERT_TRUE(now.ok());
  ASSERT_NE(*now, nullptr);
  EXPECT_TRUE((*now)->still_held());
}

TEST_P(PostgresStoreTest, BadUrlsAndCredentialsFailWithoutThePassword) {
  auto bad_pw =
      open_postgres_store("postgresql://postgres:Wrong-Secret-99@127.0.0.1:" +
                              std::to_string(test_support::SharedPostgres::get().server().port()) +
                              "/" + store_.database(),
                          2);
  ASSERT_FALSE(bad_pw.ok());
  EXPECT_TRUE(absl::IsPermissionDenied(bad_pw.status())) << bad_pw.status();
  EXPECT_EQ(std::string(bad_pw.status().message()).find("Wrong-Secret-99"), std::string::npos);
  auto not_pg = open_store("mysql://x@y/z", "/tmp/unused.db");
  EXPECT_TRUE(absl::IsInvalidArgument(not_pg.status()));
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresStoreTest, ::testing::Values(StoreBackend::kPostgres),
                         [](const auto&) { return std::string("Postgres"); });

// ---- dialect rendering -----------------------------------------------------

TEST(Dialect, PlaceholdersAreNumberedOutsideQuotesAndComments) {
  int n = 0;
  EXPECT_EQ(number_placeholders(
                "SELECT ?, '?', \"a?\", 'it''s ?' -- ?\n, ? /* ? */ FROM t WHERE x=?", &n),
            "SELECT $1, '?', \"a?\", 'it''s ?' -- ?\n, $2 /* ? */ FROM t WHERE x=$3");
  EXPECT_EQ(n, 3);
  EXPECT_EQ(number_placeholders("SELECT 'unterminated ?", &n), "SELECT 'unterminated ?");
  EXPECT_EQ(n, 0);
}

TEST(Dialect, MigrationsRenderPerDialect) {
  const std::string sql =
      "CREATE TABLE t(id {{AUTO_ID}}, name TEXT, text_value TEXT DEFAULT 'TEXT'){{CLUSTERED}}";
  EXPECT_EQ(render_migration(sql, kSqlite),
            "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, text_value TEXT DEFAULT 'TEXT') "
            "WITHOUT ROWID");
  EXPECT_EQ(render_migration(sql, kPostgres),
            "CREATE TABLE t(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT "
            "COLLATE \"C\", "
            "text_value TEXT COLLATE \"C\" DEFAULT 'TEXT')");
}

// ---- SQLite files ------------------------------------------------------------

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

}  // namespace
}  // namespace mortar::store
