// A Catalog with one database, for the partition, filter and statistics
// tests, over SQLite in memory or a PostgreSQL database (the test's
// parameter; MORTAR_ON_STORE_BACKENDS instantiates both).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/clock.h"
#include "testing/store_backends.h"

namespace mortar::catalog {

class PartitionTest : public ::testing::TestWithParam<test_support::StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(Catalog::migrate(*store_).ok());
    catalog_ = std::make_unique<Catalog>(*store_, clock_);
    partitions_ = std::make_unique<PartitionCatalog>(*catalog_);
    ctx_.catalog_id = ctx_.account_id = "123456789012";
    ctx_.principal = "arn:aws:iam::123456789012:user/tester";
    ctx_.request_id = "req-1";
    ctx_.operation = "Test";
    ASSERT_TRUE(catalog_->create_database(ctx_, {{"Name", "db"}}, nullptr).ok());
  }

  // A table partitioned by `keys` ({name, type} pairs).
  void make_table(const std::string& name,
                  const std::vector<std::pair<std::string, std::string>>& keys) {
    Json pk = Json::array();
    for (const auto& [n, t] : keys) pk.push_back({{"Name", n}, {"Type", t}});
    Json input = {{"Name", name},
                  {"StorageDescriptor",
                   {{"Columns", Json::array({{{"Name", "id"}, {"Type", "bigint"}},
                                             {{"Name", "amount"}, {"Type", "double"}}})},
                    {"Location", "/data/" + name}}},
                  {"PartitionKeys", pk}};
    ASSERT_TRUE(catalog_->create_table(ctx_, "db", input).ok());
  }

  static Json partition_input(const std::vector<std::string>& values) {
    std::string location = "/data/t";
    for (const auto& v : values) location += "/" + v;
    return {{"Values", values},
            {"StorageDescriptor",
             {{"Columns", Json::array({{{"Name", "id"}, {"Type", "bigint"}}})},
              {"Location", location}}},
            {"Parameters", {{"k", "v"}}}};
  }

  void create(const std::string& table, const std::vector<std::string>& values) {
    auto st = partitions_->create_partition(ctx_, "db", table, partition_input(values));
    ASSERT_TRUE(st.ok()) << st;
  }

  // Every partition's Values matching `expression`, all pages, all segments.
  std::vector<std::vector<std::string>> query(const std::string& table,
                                              const std::string& expression, int limit = 1000,
                                              int total_segments = 1) {
    std::vector<std::vector<std::string>> out;
    for (int s = 0; s < total_segments; ++s) {
      PartitionScan scan;
      scan.expression = expression;
      scan.limit = limit;
      scan.segment_number = s;
      scan.total_segments = total_segments;
      while (true) {
        auto page = partitions_->get_partitions(ctx_, "db", table, scan);
        EXPECT_TRUE(page.ok()) << expression << ": " << page.status();
        if (!page.ok()) return out;
        for (const Json& p : page->partitions) out.push_back(p["Values"]);
        if (!page->next_after_id) break;
        scan.after_id = *page->next_after_id;
      }
    }
    return out;
  }

  int64_t count(const std::string& sql) {
    auto tx = store_->begin(false);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? (*rows)[0].int_at(0) : -1;
  }

  FakeClock clock_;
  test_support::TestStore store_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<PartitionCatalog> partitions_;
  CallContext ctx_;
};

}  // namespace mortar::catalog
