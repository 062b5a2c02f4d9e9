// Check-then-write under real concurrency: several threads through several
// Store objects on one SQLite file or PostgreSQL database (as several `mortar serve` processes
// share one catalog) race on the same entity, and the outcome must be what a
// serial order would give: one winner per VersionId, each partition created
// once, limits held. SQLite serializes writers, so there these pin the
// semantics; on PostgreSQL (READ COMMITTED) they exercise the row locks and
// compare-and-swap updates (see README "Concurrency").
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/clock.h"
#include "testing/store_backends.h"

namespace mortar::catalog {
namespace {

constexpr int kThreads = 8;
constexpr int kConnections = 2;  // stores ("servers") the threads spread over

class CatalogConcurrencyTest : public ::testing::TestWithParam<test_support::StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(first_.open(GetParam()), "");
    Status migrated = Catalog::migrate(*first_);
    ASSERT_TRUE(migrated.ok()) << migrated;
    for (int i = 0; i < kConnections; ++i) {
      auto s = first_.open_again();
      ASSERT_TRUE(s.ok()) << s.status();
      stores_.push_back(std::move(*s));
      catalogs_.push_back(std::make_unique<Catalog>(*stores_.back(), clock_));
      partitions_.push_back(std::make_unique<PartitionCatalog>(*catalogs_.back()));
    }
    ctx_.catalog_id = ctx_.account_id = "123456789012";
    ctx_.principal = "arn:aws:iam::123456789012:user/tester";
    ctx_.request_id = "req";
    ctx_.operation = "Test";
    ASSERT_TRUE(catalog(0).create_database(ctx_, {{"Name", "db"}}, nullptr).ok());
    ASSERT_TRUE(catalog(0).create_table(ctx_, "db", table_input("t", "seed")).ok());
  }
  void TearDown() override {
    partitions_.clear();
    catalogs_.clear();
    stores_.clear();
  }

  Catalog& catalog(int thread) { return *catalogs_[thread % kConnections]; }
  PartitionCatalog& partitions(int thread) { return *partitions_[thread % kConnections]; }

  static Json table_input(const std::string& name, const std::string& writer) {
    return {{"Name", name},
            {"StorageDescriptor",
             {{"Columns", Json::array({{{"Name", "id"}, {"Type", "bigint"}}})},
              {"Location", "/data/" + name}}},
            {"PartitionKeys", Json::array({{{"Name", "dt"}, {"Type", "string"}}})},
            {"Parameters", {{"writer", writer}}}};
  }
  static Json partition_input(const std::string& value, const std::string& writer = "w") {
    return {{"Values", {value}},
            {"StorageDescriptor", {{"Location", "/data/t/dt=" + value}}},
            {"Parameters", {{"writer", writer}}}};
  }

  // Runs body(thread) on kThreads threads at once and waits for them.
  static void race(const std::function<void(int)>& body) {
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) threads.emplace_back(body, i);
    for (auto& t : threads) t.join();
  }

  std::string writer_of(const Json& table) {
    return table.value("Parameters", Json::object()).value("writer", "");
  }

  FakeClock clock_;
  test_support::TestStore first_;  // owns the file or database
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::vector<std::unique_ptr<Catalog>> catalogs_;
  std::vector<std::unique_ptr<PartitionCatalog>> partitions_;
  CallContext ctx_;
};

TEST_P(CatalogConcurrencyTest, UpdateTableWithTheSameVersionIdHasExactlyOneWinnerPerVersion) {
  constexpr int kRounds = 10;
  std::barrier sync(kThreads);
  std::mutex mu;
  std::map<int, std::vector<int>> winners;  // round -> threads that succeeded
  std::vector<std::string> other_errors;
  race([&](int thread) {
    for (int round = 0; round < kRounds; ++round) {
      // Everyone reads the same current version, then all update at once.
      auto current = catalog(thread).get_table(ctx_, "db", "t");
      ASSERT_TRUE(current.ok()) << current.status();
      std::string version = (*current)["VersionId"];
      sync.arrive_and_wait();
      auto r = catalog(thread).update_table(
          ctx_, "db", table_input("t", std::to_string(round) + "/" + std::to_string(thread)),
          version, false);
      {
        std::lock_guard<std::mutex> lock(mu);
        if (r.ok()) {
          winners[round].push_back(thread);
        } else if (!absl::IsAborted(r.status())) {
          other_errors.push_back(r.status().ToString());
        }
      }
      sync.arrive_and_wait();  // the round is over before anyone reads again
    }
  });
  EXPECT_TRUE(other_errors.empty()) << other_errors[0];
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_EQ(winners[round].size(), 1u) << "round " << round;
  }
  auto t = catalog(0).get_table(ctx_, "db", "t");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)["VersionId"], std::to_string(kRounds));
  // Each version is the winner's write, archived once.
  auto versions = catalog(1).get_table_versions(ctx_, "db", "t", nullptr, 100);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->items.size(), static_cast<size_t>(kRounds + 1));
  for (const Json& v : versions->items) {
    int n = std::stoi(v["VersionId"].get<std::string>());
    if (n == 0) continue;
    EXPECT_EQ(writer_of(v["Table"]),
              std::to_string(n - 1) + "/" + std::to_string(winners[n - 1].at(0)));
  }
}

TEST_P(CatalogConcurrencyTest, UpdateTableWithoutVersionIdLosesNoUpdate) {
  constexpr int kPerThread = 5;
  std::atomic<int> failures{0};
  race([&](int thread) {
    for (int i = 0; i < kPerThread; ++i) {
      auto r = catalog(thread).update_table(
          ctx_, "db", table_input("t", std::to_string(thread) + "." + std::to_string(i)),
          std::nullopt, false);
      if (!r.ok()) ++failures;
    }
  });
  EXPECT_EQ(failures.load(), 0);
  auto versions = catalog(0).get_table_versions(ctx_, "db", "t", nullptr, 1000);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->items.size(), static_cast<size_t>(kThreads * kPerThread + 1));
  std::set<std::string> writers;
  for (const Json& v : versions->items) writers.insert(writer_of(v["Table"]));
  writers.erase("seed");
  EXPECT_EQ(writers.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_P(CatalogConcurrencyTest, BatchCreatePartitionCreatesEachValueOnce) {
  constexpr int kValues = 60;
  std::mutex mu;
  int created = 0;
  std::vector<std::string> unexpected;
  race([&](int thread) {
    // Every thread sends every value (in its own order, one twice).
    std::vector<int> order(kValues);
    for (int i = 0; i < kValues; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(thread));
    for (int chunk = 0; chunk < kValues; chunk += 30) {
      Json inputs = Json::array();
      for (int i = chunk; i < chunk + 30; ++i) inputs.push_back(partition_input(std::to_string(order[i])));
      inputs.push_back(partition_input(std::to_string(order[chunk])));
      auto errors = partitions(thread).batch_create_partition(ctx_, "db", "t", inputs);
      std::lock_guard<std::mutex> lock(mu);
      if (!errors.ok()) {
        unexpected.push_back(errors.status().ToString());
        continue;
      }
      created += static_cast<int>(inputs.size() - errors->size());
      for (const Json& e : *errors) {
        if (e["ErrorDetail"]["ErrorCode"] != "AlreadyExistsException") unexpected.push_back(e.dump());
      }
    }
  });
  EXPECT_TRUE(unexpected.empty()) << unexpected[0];
  EXPECT_EQ(created, kValues);
  PartitionScan scan;
  scan.limit = 1000;
  auto page = partitions(0).get_partitions(ctx_, "db", "t", scan);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->partitions.size(), static_cast<size_t>(kValues));
  // The key index agrees with the partitions (a filtered read finds each).
  scan.expression = "dt = '17'";
  page = partitions(1).get_partitions(ctx_, "db", "t", scan);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->partitions.size(), 1u);
}

TEST_P(CatalogConcurrencyTest, UpdatePartitionOntoTheSameValuesHasOneWinner) {
  Json seed = Json::array();
  for (int i = 0; i < kThreads; ++i) seed.push_back(partition_input("src" + std::to_string(i)));
  auto errors = partitions(0).batch_create_partition(ctx_, "db", "t", seed);
  ASSERT_TRUE(errors.ok() && errors->empty());
  std::barrier sync(kThreads);
  std::atomic<int> won{0}, exists{0}, other{0};
  race([&](int thread) {
    sync.arrive_and_wait();
    // Each moves its own partition onto the same values.
    Json entry = {{"PartitionValueList", {"src" + std::to_string(thread)}},
                  {"PartitionInput", partition_input("dst", std::to_string(thread))}};
    auto r = partitions(thread).batch_update_partition(ctx_, "db", "t", Json::array({entry}));
    if (!r.ok()) {
      ++other;
    } else if (r->empty()) {
      ++won;
    } else if ((*r)[0]["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException") {
      ++exists;
    } else {
      ++other;
    }
  });
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(exists.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  PartitionScan scan;
  auto page = partitions(1).get_partitions(ctx_, "db", "t", scan);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->partitions.size(), static_cast<size_t>(kThreads));  // 7 sources + dst
  scan.expression = "dt = 'dst'";
  page = partitions(0).get_partitions(ctx_, "db", "t", scan);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->partitions.size(), 1u);
}

TEST_P(CatalogConcurrencyTest, BatchDeleteTableDeletesEachTableOnce) {
  constexpr int kTables = 20;
  std::vector<std::string> names;
  for (int i = 0; i < kTables; ++i) {
    names.push_back("x" + std::to_string(i));
    ASSERT_TRUE(catalog(0).create_table(ctx_, "db", table_input(names.back(), "w")).ok());
  }
  std::mutex mu;
  std::map<std::string, int> not_found;
  std::atomic<int> failed{0};
  race([&](int thread) {
    std::vector<std::string> mine = names;
    std::shuffle(mine.begin(), mine.end(), std::mt19937(thread));
    auto errors = catalog(thread).batch_delete_table(ctx_, "db", mine);
    if (!errors.ok()) {
      ++failed;
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    for (const Json& e : *errors) ++not_found[e["TableName"].get<std::string>()];
  });
  EXPECT_EQ(failed.load(), 0);
  ASSERT_EQ(not_found.size(), static_cast<size_t>(kTables));
  for (const auto& [name, n] : not_found) EXPECT_EQ(n, kThreads - 1) << name;
  auto left = catalog(1).get_tables(ctx_, "db", std::nullopt, nullptr, 100);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->items.size(), 1u);  // "t"
}

TEST_P(CatalogConcurrencyTest, PartitionIndexLimitHoldsUnderRaces) {
  std::atomic<int> created{0}, limited{0}, other{0};
  std::barrier sync(kThreads);
  race([&](int thread) {
    sync.arrive_and_wait();
    Json index = {{"IndexName", "i" + std::to_string(thread)}, {"Keys", {"dt"}}};
    Status st = partitions(thread).create_partition_index(ctx_, "db", "t", index);
    if (st.ok()) {
      ++created;
    } else if (absl::IsResourceExhausted(st)) {
      ++limited;
    } else {
      ++other;
    }
  });
  EXPECT_EQ(created.load(), PartitionCatalog::kMaxPartitionIndexes);
  EXPECT_EQ(limited.load(), kThreads - PartitionCatalog::kMaxPartitionIndexes);
  EXPECT_EQ(other.load(), 0);
  auto indexes = partitions(0).get_partition_indexes(ctx_, "db", "t");
  ASSERT_TRUE(indexes.ok());
  EXPECT_EQ(indexes->size(), static_cast<size_t>(PartitionCatalog::kMaxPartitionIndexes));
}

TEST_P(CatalogConcurrencyTest, TagLimitHoldsUnderRaces) {
  const std::string arn = Catalog::table_arn(ctx_, "db", "t");
  Json first = Json::object();
  for (int i = 0; i < 45; ++i) first["base" + std::to_string(i)] = "v";
  ASSERT_TRUE(catalog(0).tag_resource(ctx_, arn, first).ok());
  std::atomic<int> tagged{0}, limited{0};
  std::barrier sync(kThreads);
  race([&](int thread) {
    sync.arrive_and_wait();
    Json more = Json::object();
    for (int i = 0; i < 5; ++i) more["t" + std::to_string(thread) + "_" + std::to_string(i)] = "v";
    Status st = catalog(thread).tag_resource(ctx_, arn, more);
    if (st.ok()) ++tagged;
    if (absl::IsResourceExhausted(st)) ++limited;
  });
  EXPECT_EQ(tagged.load(), 1);  // 45 + 5 = 50, the maximum
  EXPECT_EQ(limited.load(), kThreads - 1);
  auto tags = catalog(1).get_tags(ctx_, arn);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->size(), 50u);
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogConcurrencyTest,
                         ::testing::Values(test_support::StoreBackend::kSqliteFile,
                                           test_support::StoreBackend::kPostgres),
                         [](const auto& info) { return test_support::backend_name(info.param); });

}  // namespace
}  // namespace mortar::catalog
