// A Catalog over a fresh store for the catalog tests: a SQLite file or a
// PostgreSQL database. CatalogTest takes the backend as its parameter
// (MORTAR_ON_STORE_BACKENDS instantiates both); SqliteCatalogTest is a plain
// fixture on a SQLite file for other modules' tests. dir_ is a fresh temp dir.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "catalog/catalog.h"
#include "common/clock.h"
#include "testing/store_backends.h"

namespace mortar::catalog {

class CatalogTestBase : public ::testing::Test {
 protected:
  virtual test_support::StoreBackend backend() const = 0;

  void SetUp() override {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("mortar_catalog_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_EQ(store_.open(backend()), "");
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
    std::filesystem::remove_all(dir_);
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

  std::filesystem::path dir_;
  FakeClock clock_;
  test_support::TestStore store_;
  std::unique_ptr<Catalog> catalog_;
  CallContext ctx_;
};

class CatalogTest : public CatalogTestBase,
                    public ::testing::WithParamInterface<test_support::StoreBackend> {
 protected:
  test_support::StoreBackend backend() const override { return GetParam(); }
};

class SqliteCatalogTest : public CatalogTestBase {
 protected:
  test_support::StoreBackend backend() const override {
    return test_support::StoreBackend::kSqliteFile;
  }
};

}  // namespace mortar::catalog
