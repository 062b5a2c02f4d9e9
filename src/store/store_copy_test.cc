// copy_store() from a SQLite file into a SQLite file and into a real
// PostgreSQL (testing/store_backends.h: a fresh database per test).
#include "store/store_copy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "testing/store_backends.h"

namespace mortar::store {
namespace {

using test_support::StoreBackend;
using test_support::TestStore;

// A row as text with each value's type, for comparisons.
std::string describe(const Row& row) {
  std::string out;
  for (const Value& v : row.values) {
    if (std::holds_alternative<std::monostate>(v)) out += "null|";
    if (auto* i = std::get_if<int64_t>(&v)) out += "int:" + std::to_string(*i) + "|";
    if (auto* d = std::get_if<double>(&v)) out += "real:" + std::to_string(*d) + "|";
    if (auto* s = std::get_if<std::string>(&v)) out += "text:" + *s + "|";
    if (auto* b = std::get_if<Blob>(&v)) out += "blob:" + b->bytes + "|";
  }
  return out;
}

// Children sort before their parents by name, so the copy must follow the
// foreign keys; `notes` has a composite key and no rowid, `loose` no key.
const std::vector<Migration> kSchema = {
    {1, "schema",
     "CREATE TABLE b_parents(id {{AUTO_ID}}, name TEXT NOT NULL UNIQUE);"
     "CREATE TABLE a_children(id {{AUTO_ID}},"
     " parent_id BIGINT NOT NULL REFERENCES b_parents(id) ON DELETE CASCADE,"
     " score {{DOUBLE}}, payload {{BLOB}}, note TEXT);"
     "CREATE TABLE notes(child_id BIGINT NOT NULL REFERENCES a_children(id), k TEXT NOT NULL,"
     " v TEXT, PRIMARY KEY(child_id, k)){{CLUSTERED}};"
     "CREATE TABLE loose(x TEXT, y INTEGER)"},
};

// The source is always a SQLite file; the target is the parameter.
class StoreCopyTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(source_store_.open(StoreBackend::kSqliteFile), "");
    ASSERT_EQ(target_store_.open(GetParam()), "");
    source_ = source_store_.get();
    target_ = target_store_.get();
    ASSERT_TRUE(source_->migrate("test", kSchema).ok());
    ASSERT_TRUE(target_->migrate("test", kSchema).ok());
  }
  bool postgres() const { return GetParam() == StoreBackend::kPostgres; }
  void populate(int parents, int children_each) {
    ASSERT_TRUE(
        run_in_write_transaction(*source_, [&](Transaction& tx) -> Status {
          for (int p = 1; p <= parents; ++p) {
            // Sparse ids: the copy must keep them, not renumber.
            MORTAR_RETURN_IF_ERROR(tx.exec("INSERT INTO b_parents(id, name) VALUES(?, ?)",
                                           {int64_t{p * 10}, "p" + std::to_string(p)})
                                       .status());
            for (int c = 0; c < children_each; ++c) {
              const int64_t id = p * 1000 + c;
              MORTAR_RETURN_IF_ERROR(
                  tx.exec("INSERT INTO a_children(id, parent_id, score, payload, note) "
                          "VALUES(?, ?, ?, ?, ?)",
                          {id, int64_t{p * 10}, c * 0.5, Blob{std::string("\0\x01z", 3)},
                           c % 2 ? Value{} : Value{std::string("it's \"quoted\"")}})
                      .status());
              MORTAR_RETURN_IF_ERROR(
                  tx.exec("INSERT INTO notes(child_id, k, v) VALUES(?, 'a', 'x'), (?, 'b', NULL)",
                          {id, id})
                      .status());
            }
          }
          return tx.exec("INSERT INTO loose VALUES('one', 1), ('one', 1), (NULL, NULL)").status();
        }).ok());
  }
  std::vector<Row> rows(Store& s, const std::string& sql) {
    std::vector<Row> out;
    EXPECT_TRUE(run_in_read_transaction(s, [&](Transaction& tx) -> Status {
                  MORTAR_ASSIGN_OR_RETURN(out, tx.query(sql));
                  return ok_status();
                }).ok());
    return out;
  }

  TestStore source_store_, target_store_, bare_store_;
  Store* source_ = nullptr;
  Store* target_ = nullptr;
};

TEST_P(StoreCopyTest, CopiesEveryRowInForeignKeyOrderKeepingIdsAndValues) {
  populate(7, 9);  // pages of 4 rows: many pages, a partial last one
  std::vector<std::string> reported;
  CopyOptions options;
  options.rows_per_insert = 4;
  options.on_table = [&](const CopiedTable& t) { reported.push_back(t.name); };
  auto copied = copy_store(*source_, *target_, options);
  ASSERT_TRUE(copied.ok()) << copied.status();

  std::vector<std::string> order;
  std::map<std::string, int64_t> counts;
  for (const auto& t : *copied) {
    order.push_back(t.name);
    counts[t.name] = t.rows;
  }
  EXPECT_EQ(order, reported);
  auto at = [&](const std::string& n) { return std::find(order.begin(), order.end(), n); };
  ASSERT_EQ(order.size(), 4u);  // schema_migrations is not copied
  EXPECT_LT(at("b_parents"), at("a_children"));
  EXPECT_LT(at("a_children"), at("notes"));
  EXPECT_EQ(counts["b_parents"], 7);
  EXPECT_EQ(counts["a_children"], 63);
  EXPECT_EQ(counts["notes"], 126);
  EXPECT_EQ(counts["loose"], 3);

  for (const std::string sql :
       {"SELECT id, name FROM b_parents ORDER BY id",
        "SELECT id, parent_id, score, payload, note FROM a_children "
        "ORDER BY id",
        "SELECT child_id, k, v FROM notes ORDER BY child_id, k",
        "SELECT x, y FROM loose ORDER BY COALESCE(x, ''), COALESCE(y, -1)"}) {
    auto want = rows(*source_, sql), got = rows(*target_, sql);
    ASSERT_EQ(got.size(), want.size()) << sql;
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(describe(got[i]), describe(want[i])) << sql;
  }
  auto counted = count_rows(*target_, {"b_parents", "loose"});
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, (std::vector<int64_t>{7, 3}));
  // New rows get ids past the copied ones.
  ASSERT_TRUE(run_in_write_transaction(*target_, [](Transaction& tx) {
                return tx.exec("INSERT INTO b_parents(name) VALUES('new')").status();
              }).ok());
  EXPECT_EQ(rows(*target_, "SELECT id FROM b_parents WHERE name = 'new'").at(0).int_at(0), 71);
}

TEST_P(StoreCopyTest, RefusesATargetWithRowsAndChangesNothing) {
  populate(2, 2);
  ASSERT_TRUE(run_in_write_transaction(*target_, [](Transaction& tx) {
                return tx.exec("INSERT INTO loose VALUES('already', 1)").status();
              }).ok());
  auto copied = copy_store(*source_, *target_);
  ASSERT_FALSE(copied.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(copied.status())) << copied.status();
  EXPECT_NE(copied.status().message().find("not empty (loose has 1 rows)"), std::string::npos)
      << copied.status();
  EXPECT_EQ(rows(*target_, "SELECT COUNT(*) FROM b_parents").at(0).int_at(0), 0);
}

TEST_P(StoreCopyTest, RefusesATargetWithoutTheSourcesTables) {
  populate(1, 1);
  ASSERT_EQ(bare_store_.open(GetParam()), "");
  auto copied = copy_store(*source_, *bare_store_);
  ASSERT_FALSE(copied.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(copied.status())) << copied.status();
  EXPECT_NE(copied.status().message().find("the target has no table"), std::string::npos)
      << copied.status();
}

TEST_P(StoreCopyTest, AFailedInsertRollsBackEveryTable) {
  populate(3, 3);
  // The target forbids what the source holds: the copy fails on a_children,
  // after b_parents went in, and the target must end as empty as it began.
  ASSERT_TRUE(run_in_write_transaction(*target_, [&](Transaction& tx) {
                return tx
                    .exec(postgres() ? "ALTER TABLE a_children ADD CONSTRAINT no_children CHECK "
                                       "(parent_id < 0)"
                                     : "CREATE TRIGGER no_children BEFORE INSERT ON a_children "
                                       "BEGIN SELECT RAISE(ABORT, 'no children here'); END")
                    .status();
              }).ok());
  auto copied = copy_store(*source_, *target_);
  ASSERT_FALSE(copied.ok());
  EXPECT_NE(copied.status().message().find("copying table a_children"), std::string::npos)
      << copied.status();
  EXPECT_EQ(rows(*target_, "SELECT COUNT(*) FROM b_parents").at(0).int_at(0), 0);
}

INSTANTIATE_TEST_SUITE_P(Targets, StoreCopyTest,
                         ::testing::Values(StoreBackend::kSqliteFile, StoreBackend::kPostgres),
                         [](const auto& info) { return test_support::backend_name(info.param); });

}  // namespace
}  // namespace mortar::store
