// The SQL translation of partition filters agrees with the in-memory
// evaluator on random partitions and random expressions, and runs on the
// key-value index rather than scanning partitions.
#include <random>
#include <set>

#include "catalog/expression/filter.h"
#include "catalog/partition_schema.h"
#include "catalog/partition_test_util.h"

namespace mortar::catalog {
namespace {

using expression::PartitionFilter;
using expression::PartitionKey;

const std::vector<PartitionKey> kKeys = {{"year", "int"},        {"region", "string"},
                                         {"day", "date"},        {"price", "decimal(5,2)"},
                                         {"ts", "timestamp"},    {"code", "varchar(4)"}};

// Value pools with awkward members: NULL markers, misshapen numbers, LIKE
// metacharacters, non-ASCII, GLOB metacharacters.
const std::vector<std::vector<std::string>> kPools = {
    {"2019", "2020", "2021", "-5", "0", "007", "abc", "__HIVE_DEFAULT_PARTITION__", "2020.5"},
    {"eu", "us", "eu-west", "a%b", "x_y", "\xc3\xa9t\xc3\xa9", "", "[ab]*?", "EU",
     "__HIVE_DEFAULT_PARTITION__"},
    {"2020-01-01", "2020-02-29", "2019-12-31", "2021-06-15", "bad", "2020-13-01"},
    {"1.5", "2", "-0.25", "10", "99.99", "x"},
    {"2020-01-01 00:00:00", "2020-01-01 12:30:00.5", "2019-05-05 05:05:05", "2020-01-01", "nope",
     "2020-01-01 12:30:00.9999995", "2020-01-01 12:30:00.999999", "1969-12-31 23:59:59.999999999"},
    {"a", "ab", "abc", "b", "a_c", "a*c"}};

const std::vector<std::vector<std::string>> kLiterals = {
    {"2019", "2020", "'2021'", "-5", "0", "7", "2020.5", "1e3"},
    {"'eu'", "'us'", "'eu-west'", "'a%b'", "''", "'EU'", "10", "'\xc3\xa9t\xc3\xa9'"},
    {"'2020-01-01'", "'2020-02-29'", "'2019-12-31'", "'2021-06-15'"},
    {"1.5", "2", "-0.25", "'10'", "99.99", "0"},
    {"'2020-01-01 00:00:00'", "'2020-01-01'", "'2020-01-01 12:30:00.5'", "'2019-05-05 05:05:05'",
     "'2020-01-01 12:30:00.999999499'", "'2020-01-01 12:30:00.9999995'",
     "'2020-01-01 12:30:00.999999'", "'1969-12-31 23:59:59.9999999'"},
    {"'a'", "'ab'", "'b'", "'a_c'"}};

const std::vector<std::string> kPatterns = {"'e%'", "'%u%'", "'_'", "'a!%b' ESCAPE '!'", "'%'",
                                            "'a_c'", "'\xc3\xa9%'", "'[ab]%'", "'%*%'", "'a%c'",
                                            "''", "'__'"};

class ExpressionGenerator {
 public:
  explicit ExpressionGenerator(uint32_t seed) : rng_(seed) {}

  std::string generate(int depth = 0) {
    int choice = pick(depth > 3 ? 6 : 9);
    if (choice == 6) return generate(depth + 1) + " AND " + generate(depth + 1);
    if (choice == 7) return "(" + generate(depth + 1) + " OR " + generate(depth + 1) + ")";
    if (choice == 8) return "NOT (" + generate(depth + 1) + ")";
    size_t key = pick(kKeys.size());
    const std::string& name = kKeys[key].name;
    auto lit = [&] { return kLiterals[key][pick(kLiterals[key].size())]; };
    switch (choice) {
      case 0: {
        static const char* kOps[] = {"=", "<>", "<", "<=", ">", ">=", "!="};
        return name + " " + kOps[pick(7)] + " " + lit();
      }
      case 1:
        return name + (pick(2) ? " NOT" : "") + " BETWEEN " + lit() + " AND " + lit();
      case 2: {
        std::string list = lit();
        for (int i = pick(3); i > 0; --i) list += ", " + lit();
        return name + (pick(2) ? " NOT" : "") + " IN (" + list + ")";
      }
      case 3:
        if (kKeys[key].type == "string" || kKeys[key].type == "varchar(4)") {
          return name + (pick(2) ? " NOT" : "") + " LIKE " + kPatterns[pick(kPatterns.size())];
        }
        return name + " IS NULL";
      case 4:
        return name + (pick(2) ? " IS NOT NULL" : " IS NULL");
      default:  // a literal on the left, operands sometimes parenthesised
        return pick(2) ? lit() + " < " + name : "((" + lit() + ")) < (" + name + ")";
    }
  }

  std::vector<std::string> partition() {
    std::vector<std::string> values;
    for (const auto& pool : kPools) values.push_back(pool[pick(pool.size())]);
    return values;
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::mt19937 rng_;
};

class PartitionFilterSqlTest : public PartitionTest {};

TEST_P(PartitionFilterSqlTest, SqlAgreesWithEvaluatorOnRandomPartitions) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& k : kKeys) keys.emplace_back(k.name, k.type);
  make_table("t", keys);
  ExpressionGenerator gen(20240611);
  std::set<std::vector<std::string>> all;
  Json batch = Json::array();
  while (all.size() < 400) {
    auto values = gen.partition();
    if (all.insert(values).second) batch.push_back(partition_input(values));
    if (batch.size() == 100) {
      auto errors = partitions_->batch_create_partition(ctx_, "db", "t", batch);
      ASSERT_TRUE(errors.ok() && errors->empty()) << errors.status();
      batch = Json::array();
    }
  }
  if (!batch.empty()) {
    ASSERT_TRUE(partitions_->batch_create_partition(ctx_, "db", "t", batch).ok());
  }

  int non_trivial = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text = gen.generate();
    auto filter = PartitionFilter::compile(text, kKeys);
    ASSERT_TRUE(filter.ok()) << text << ": " << filter.status();
    std::set<std::vector<std::string>> expected;
    for (const auto& values : all) {
      if (filter->matches(values)) expected.insert(values);
    }
    auto rows = query("t", text, 1000, 1 + i % 3);
    std::set<std::vector<std::string>> got(rows.begin(), rows.end());
    ASSERT_EQ(got.size(), rows.size()) << "duplicates for " << text;
    ASSERT_EQ(got, expected) << text;
    if (!expected.empty() && expected.size() < all.size()) ++non_trivial;
  }
  // The generator must exercise real selections, not only all-or-nothing.
  EXPECT_GT(non_trivial, 150);
}

// The plan GetPartitions runs (see partition_query.cc) for `expression`.
std::string plan_for(store::Store& store, const std::string& expression) {
  auto filter = PartitionFilter::compile(expression, kKeys);
  EXPECT_TRUE(filter.ok()) << filter.status();
  if (!filter.ok()) return "";
  auto sql = filter->to_sql("p.id", 1, store.dialect());
  std::string plan_sql = std::string("EXPLAIN QUERY PLAN SELECT p.id, p.body FROM partitions p WHERE ") +
                         (sql.indexed ? "+" : "") + "p.table_id = ? AND p.id > ? AND " + sql.sql +
                         " ORDER BY p.id LIMIT 1001";
  std::vector<store::Value> params{int64_t{1}, int64_t{0}};
  for (auto& p : sql.params) params.push_back(p);
  auto tx = store.begin(false);
  EXPECT_TRUE(tx.ok());
  auto rows = (*tx)->query(plan_sql, params);
  EXPECT_TRUE(rows.ok()) << rows.status();
  std::string plan;
  if (rows.ok()) {
    for (const auto& r : *rows) plan += r.text_at(3) + "\n";
  }
  return plan;
}

// SQLite's query plans (EXPLAIN QUERY PLAN).
class SqlitePartitionFilterPlanTest : public PartitionTest {};

TEST_P(SqlitePartitionFilterPlanTest, SelectiveFiltersDriveFromTheKeyIndex) {
  make_table("t", {{"year", "int"}, {"region", "string"}});
  // A range on an int key, checked against the rest per candidate.
  std::string plan =
      plan_for(*store_, "year BETWEEN 2000 AND 2010 AND (region = 'eu' OR region LIKE 'us%')");
  EXPECT_NE(plan.find("partition_keys_num"), std::string::npos) << plan;
  EXPECT_NE(plan.find("SEARCH p USING INTEGER PRIMARY KEY"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
  // Equality on a string key beats a range on another key.
  plan = plan_for(*store_, "year > 5 AND region = 'eu'");
  EXPECT_NE(plan.find("partition_keys_text"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
  // An OR of indexable predicates drives from both.
  plan = plan_for(*store_, "region = 'eu' OR year IN (1, 2)");
  EXPECT_NE(plan.find("partition_keys_text"), std::string::npos) << plan;
  EXPECT_NE(plan.find("partition_keys_num"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
  // NOT has no driver: the table's partitions are scanned through table_id.
  plan = plan_for(*store_, "NOT region = 'eu'");
  EXPECT_NE(plan.find("sqlite_autoindex_partitions_1"), std::string::npos) << plan;
  // A timestamp range at nanoseconds is still a range scan of the index.
  plan = plan_for(*store_, "ts > '2020-01-01 00:00:00.000000500'");
  EXPECT_NE(plan.find("partition_keys_num"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
}

// A data directory written before partition_keys had num_nanos: migration 2
// back-fills the nanoseconds of the timestamps already stored.
TEST_P(PartitionFilterSqlTest, MigrationBackFillsTimestampNanoseconds) {
  make_table("t", {{"ts", "timestamp"}});
  for (const char* v : {"2020-01-01 00:00:59.9999995", "2020-01-01 00:00:59.99999949",
                        "2020-01-01 00:00:59.9999991", "2020-01-01 00:00:59.999999"}) {
    create("t", {v});
  }
  ASSERT_TRUE(
      store::run_in_write_transaction(*store_, [](store::Transaction& tx) -> Status {
        for (const char* sql :
             {"DROP INDEX partition_keys_num", "ALTER TABLE partition_keys DROP COLUMN num_nanos",
              "CREATE INDEX partition_keys_num ON partition_keys(table_id, key_index, kind, "
              "num_value)",
              "DELETE FROM schema_migrations WHERE component = 'partitions' AND version = 2"}) {
          MORTAR_RETURN_IF_ERROR(tx.exec(sql).status());
        }
        return ok_status();
      }).ok());
  ASSERT_TRUE(migrate_partitions(*store_).ok());
  using Rows = std::vector<std::vector<std::string>>;
  EXPECT_EQ(query("t", "ts > '2020-01-01 00:00:59.999999499'"),
            (Rows{{"2020-01-01 00:00:59.9999995"}}));
  EXPECT_EQ(query("t", "ts = '2020-01-01 00:00:59.9999991'"),
            (Rows{{"2020-01-01 00:00:59.9999991"}}));
  EXPECT_EQ(query("t", "ts <= '2020-01-01 00:00:59.999999'"),
            (Rows{{"2020-01-01 00:00:59.999999"}}));
}

MORTAR_ON_STORE_BACKENDS(PartitionFilterSqlTest, test_support::StoreBackend::kSqliteMemory);
INSTANTIATE_TEST_SUITE_P(Sqlite, SqlitePartitionFilterPlanTest,
                         ::testing::Values(test_support::StoreBackend::kSqliteMemory));

}  // namespace
}  // namespace mortar::catalog
