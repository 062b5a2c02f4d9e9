#include <atomic>
#include <thread>

#include "catalog/catalog_test_util.h"
#include "catalog/table_lookup.h"

namespace mortar::catalog {
namespace {

TEST_P(CatalogTest, CreateTableFillsGlueOutputMembers) {
  make_db("db");
  ASSERT_TRUE(catalog_->create_table(op("CreateTable"), "DB", table_input("Orders")).ok());
  auto t = catalog_->get_table(ctx_, "db", "ORDERS");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)["Name"], "orders");
  EXPECT_EQ((*t)["DatabaseName"], "db");
  EXPECT_EQ((*t)["CatalogId"], "123456789012");
  EXPECT_EQ((*t)["VersionId"], "0");
  EXPECT_EQ((*t)["IsRegisteredWithLakeFormation"], false);
  EXPECT_EQ((*t)["CreateTime"], 1700000000.0);
  EXPECT_EQ((*t)["UpdateTime"], 1700000000.0);
  EXPECT_EQ((*t)["StorageDescriptor"]["Columns"][1]["Comment"], "in euros");
  EXPECT_EQ((*t)["PartitionKeys"][0]["Name"], "dt");
}

TEST_P(CatalogTest, GetTableNeverServesAStaleBody) {
  make_db("db");
  make_table("db", "t");
  ASSERT_EQ((*catalog_->get_table(ctx_, "db", "t"))["StorageDescriptor"]["Location"], "/data/x");
  ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "db", table_input("t", "/new"), std::nullopt, false).ok());
  EXPECT_EQ((*catalog_->get_table(ctx_, "db", "t"))["StorageDescriptor"]["Location"], "/new");
  // Deleted and re-created (possibly reusing the row id): the new body is served.
  ASSERT_TRUE(catalog_->delete_table(op("DeleteTable"), "db", "t").ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_table(ctx_, "db", "t").status()));
  ASSERT_TRUE(catalog_->create_table(op("CreateTable"), "db", table_input("t", "/again")).ok());
  auto t = catalog_->get_table(ctx_, "db", "t");
  EXPECT_EQ((*t)["StorageDescriptor"]["Location"], "/again");
  EXPECT_EQ((*t)["VersionId"], "0");
}

TEST_P(CatalogTest, TableErrorsNameTheMissingEntity) {
  auto st = catalog_->create_table(op("CreateTable"), "nodb", table_input("t"));
  EXPECT_TRUE(absl::IsNotFound(st));
  EXPECT_EQ(st.message(), "Database nodb not found.");
  make_db("db");
  auto missing = catalog_->get_table(ctx_, "db", "t");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_EQ(missing.status().message(), "Table t not found.");
  make_table("db", "t");
  EXPECT_TRUE(absl::IsAlreadyExists(catalog_->create_table(op("CreateTable"), "db", table_input("T"))));
}

TEST_P(CatalogTest, FindTableGivesIdsForPartitions) {
  make_db("db");
  make_table("db", "t");
  auto tx = store_->begin(false);
  auto ref = find_table(**tx, ctx_.catalog_id, "DB", "T");
  ASSERT_TRUE(ref.ok());
  EXPECT_GT(ref->table_id, 0);
  EXPECT_GT(ref->database_id, 0);
  EXPECT_EQ(ref->table["Name"], "t");
}

TEST_P(CatalogTest, GetTablesExpressionMatchesGluePatterns) {
  make_db("db");
  for (const char* n : {"sales_2023", "sales_2024", "web_logs", "web_clicks", "other"}) make_table("db", n);
  auto names = [&](const std::string& expr) {
    std::vector<std::string> out;
    auto page = catalog_->get_tables(ctx_, "db", expr, nullptr, 100);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (auto& t : page->items) out.push_back(t["Name"]);
    }
    return out;
  };
  EXPECT_EQ(names("sales*"), (std::vector<std::string>{"sales_2023", "sales_2024"}));
  EXPECT_EQ(names("sales*|web_logs"), (std::vector<std::string>{"sales_2023", "sales_2024", "web_logs"}));
  EXPECT_EQ(names("web.*"), (std::vector<std::string>{"web_clicks", "web_logs"}));
  EXPECT_EQ(names("*2024"), (std::vector<std::string>{"sales_2024"}));
  EXPECT_EQ(names("OTHER"), (std::vector<std::string>{"other"}));
  EXPECT_TRUE(names("nothing").empty());
  EXPECT_TRUE(absl::IsInvalidArgument(
      catalog_->get_tables(ctx_, "db", std::string("sales("), nullptr, 100).status()));
}

TEST_P(CatalogTest, GetTablesPagesAPatternAcrossBatches) {
  make_db("db");
  for (int i = 0; i < 600; ++i) {
    char buf[16];
    snprintf(buf, sizeof buf, "%s%04d", i % 3 == 0 ? "x" : "y", i);
    make_table("db", buf);
  }
  int total = 0, pages = 0;
  Json after;
  do {
    auto page = catalog_->get_tables(ctx_, "db", std::string("x*"), after, 70);
    ASSERT_TRUE(page.ok());
    total += page->items.size();
    after = page->next;
    ++pages;
  } while (!after.is_null());
  EXPECT_EQ(total, 200);
  EXPECT_EQ(pages, 3);
}

TEST_P(CatalogTest, UpdateTableArchivesVersionsUnlessSkipArchive) {
  make_db("db");
  make_table("db", "t");
  clock_.advance(10'000'000);
  auto v1 = catalog_->update_table(op("UpdateTable"), "db", table_input("t", "/v1"), std::string("0"), false);
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(*v1, "1");
  auto v2 = catalog_->update_table(op("UpdateTable"), "db", table_input("t", "/v2"), std::nullopt, true);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, "2");
  auto t = catalog_->get_table(ctx_, "db", "t");
  EXPECT_EQ((*t)["VersionId"], "2");
  EXPECT_EQ((*t)["StorageDescriptor"]["Location"], "/v2");
  EXPECT_EQ((*t)["CreateTime"], 1700000000.0);
  EXPECT_EQ((*t)["UpdateTime"], 1700000010.0);

  // Version 1 was not archived (SkipArchive); 0 was.
  auto versions = catalog_->get_table_versions(ctx_, "db", "t", nullptr, 100);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->items.size(), 2u);
  EXPECT_EQ(versions->items[0]["VersionId"], "2");
  EXPECT_EQ(versions->items[1]["VersionId"], "0");
  EXPECT_EQ(versions->items[1]["Table"]["StorageDescriptor"]["Location"], "/data/x");

  auto v0 = catalog_->get_table_version(ctx_, "db", "t", std::string("0"));
  ASSERT_TRUE(v0.ok());
  EXPECT_EQ((*v0)["Table"]["VersionId"], "0");
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_table_version(ctx_, "db", "t", std::string("1")).status()));
  auto current = catalog_->get_table_version(ctx_, "db", "t", std::nullopt);
  EXPECT_EQ((*current)["VersionId"], "2");
}

TEST_P(CatalogTest, StaleVersionIdIsConcurrentModification) {
  make_db("db");
  make_table("db", "t");
  ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "db", table_input("t"), std::string("0"), false).ok());
  auto st = catalog_->update_table(op("UpdateTable"), "db", table_input("t"), std::string("0"), false);
  EXPECT_TRUE(absl::IsAborted(st.status())) << st.status();
  EXPECT_EQ(exception_name(st.status()), "ConcurrentModificationException");
}

TEST_P(CatalogTest, ExactlyOneOfConcurrentUpdatesWithSameVersionIdWins) {
  make_db("db");
  make_table("db", "t");
  constexpr int kThreads = 8;
  std::atomic<int> wins{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = catalog_->update_table(op("UpdateTable"), "db", table_input("t", "/w" + std::to_string(i)),
                                      std::string("0"), false);
      if (r.ok()) ++wins;
      else if (absl::IsAborted(r.status())) ++conflicts;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(conflicts, kThreads - 1);
  EXPECT_EQ(other, 0);
  auto t = catalog_->get_table(ctx_, "db", "t");
  EXPECT_EQ((*t)["VersionId"], "1");
}

TEST_P(CatalogTest, DeleteTableVersions) {
  make_db("db");
  make_table("db", "t");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "db", table_input("t"), std::nullopt, false).ok());
  }
  // Current is 3; archived 0,1,2.
  EXPECT_TRUE(absl::IsInvalidArgument(catalog_->delete_table_version(op("DeleteTableVersion"), "db", "t", "3")));
  EXPECT_TRUE(catalog_->delete_table_version(op("DeleteTableVersion"), "db", "t", "1").ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_->delete_table_version(op("DeleteTableVersion"), "db", "t", "1")));
  auto errors = catalog_->batch_delete_table_version(op("BatchDeleteTableVersion"), "db", "t",
                                                     {"0", "1", "abc", "2"});
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ((*errors)[0]["VersionId"], "1");
  EXPECT_EQ((*errors)[0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException");
  EXPECT_EQ((*errors)[1]["VersionId"], "abc");
  auto versions = catalog_->get_table_versions(ctx_, "db", "t", nullptr, 100);
  ASSERT_EQ(versions->items.size(), 1u);
}

TEST_P(CatalogTest, GetTableVersionsPages) {
  make_db("db");
  make_table("db", "t");
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "db", table_input("t"), std::nullopt, false).ok());
  }
  std::vector<std::string> ids;
  Json after;
  do {
    auto page = catalog_->get_table_versions(ctx_, "db", "t", after, 3);
    ASSERT_TRUE(page.ok());
    for (auto& v : page->items) ids.push_back(v["VersionId"]);
    after = page->next;
  } while (!after.is_null());
  EXPECT_EQ(ids, (std::vector<std::string>{"6", "5", "4", "3", "2", "1", "0"}));
}

TEST_P(CatalogTest, DeleteAndBatchDeleteTables) {
  make_db("db");
  make_table("db", "a");
  make_table("db", "b");
  make_table("db", "c");
  ASSERT_TRUE(catalog_->delete_table(op("DeleteTable"), "db", "A").ok());
  EXPECT_TRUE(absl::IsNotFound(catalog_->delete_table(op("DeleteTable"), "db", "a")));
  auto errors = catalog_->batch_delete_table(op("BatchDeleteTable"), "db", {"b", "zzz", "C"});
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 1u);
  EXPECT_EQ((*errors)[0]["TableName"], "zzz");
  EXPECT_EQ((*errors)[0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException");
  EXPECT_EQ(count("SELECT count(*) FROM tables"), 0);
}

}  // namespace
}  // namespace mortar::catalog
