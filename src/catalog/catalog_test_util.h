// A Catalog over a fresh store for the catalog tests: a SQLite file in a temp
// dir or a PostgreSQL database (the test's parameter; MORTAR_ON_STORE_BACKENDS
// instantiates both).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "testing/store_backends.h"

namespace mortar::catalog {

class CatalogTest : public ::testing::TestWithParam<test_support::StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_EQ(store_.open(GetParam()), "");
    ASSERT_TRUE(Catalog::migrate(*store_).ok());
    catalog_ = std::make_unique<Catalog>(*store_, clock_);
    ctx_.catalog_id = ctx_.account_id = "123456789012";
    ctx_.principal = "arn:aws:iam::123456789012:user/tester";
    ctx_.request_id = "req-1";
    ctx_.operation = "Test";
  }
  void TearDown() override {
    catalog_.reset();
    store_.reset();
  }

  CallContext op(const std::string& name) {
    CallContext c = ctx_;
    c.operation = name;
    return c;
  }
  void make_db(const std::string& name) {
    ASSERT_TRUE(catalog_->create_database(op("CreateDatabase"), {{"Name", name}}, nullptr).ok());
  }
  static Json table_input(const std::string& name, const std::string& location = "/data/x") {
    return {{"Name", name},
            {"StorageDescriptor",
             {{"Columns", Json::array({{{"Name", "id"}, {"Type", "bigint"}},
                                        {{"Name", "amount"}, {"Type", "double"}, {"Comment", "in euros"}}})},
              {"Location", location}}},
            {"PartitionKeys", Json::array({{{"Name", "dt"}, {"Type", "string"}}})},
            {"TableType", "EXTERNAL_TABLE"}};
  }
  void make_table(const std::string& db, const std::string& name) {
    ASSERT_TRUE(catalog_->create_table(op("CreateTable"), db, table_input(name)).ok());
  }
  int64_t count(const std::string& sql) {
    auto tx = store_->begin(false);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return (*rows)[0].int_at(0);
  }

  FakeClock clock_;
  test_support::TestStore store_;
  std::unique_ptr<Catalog> catalog_;
  CallContext ctx_;
};

}  // namespace mortar::catalog
