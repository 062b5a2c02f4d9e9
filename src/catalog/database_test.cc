#include "catalog/audit.h"
#include "catalog/catalog_test_util.h"
#include "catalog/schema.h"

namespace mortar::catalog {
namespace {

using test_support::TestStore;

TEST_P(CatalogTest, CreateAndGetDatabaseLowerCasesNameAndFillsOutputMembers) {
  ASSERT_TRUE(catalog_->create_database(op("CreateDatabase"),
                                        {{"Name", "Sales"}, {"Description", "d"}, {"LocationUri", "/x"}},
                                        nullptr)
                  .ok());
  auto db = catalog_->get_database(ctx_, "SALES");
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)["Name"], "sales");
  EXPECT_EQ((*db)["Description"], "d");
  EXPECT_EQ((*db)["CatalogId"], "123456789012");
  EXPECT_EQ((*db)["CreateTime"], 1700000000.0);
  EXPECT_TRUE((*db)["CreateTableDefaultPermissions"].is_array());
}

TEST_P(CatalogTest, DuplicateDatabaseIsAlreadyExists) {
  make_db("a");
  auto st = catalog_->create_database(op("CreateDatabase"), {{"Name", "A"}}, nullptr);
  EXPECT_TRUE(absl::IsAlreadyExists(st)) << st;
}

TEST_P(CatalogTest, MissingDatabaseIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_database(ctx_, "nope").status()));
  EXPECT_TRUE(absl::IsNotFound(catalog_->delete_database(op("DeleteDatabase"), "nope")));
  EXPECT_TRUE(absl::IsNotFound(catalog_->update_database(op("UpdateDatabase"), "nope", {{"Name", "nope"}})));
}

TEST_P(CatalogTest, CatalogsOfDifferentAccountsAreSeparate) {
  make_db("shared_name");
  CallContext other = ctx_;
  other.catalog_id = other.account_id = "999999999999";
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_database(other, "shared_name").status()));
  EXPECT_TRUE(catalog_->create_database(other, {{"Name", "shared_name"}}, nullptr).ok());
}

TEST_P(CatalogTest, UpdateDatabaseReplacesFieldsKeepsCreateTime) {
  make_db("a");
  clock_.advance(5'000'000);
  ASSERT_TRUE(catalog_->update_database(op("UpdateDatabase"), "a",
                                        {{"Name", "a"}, {"Description", "new"}})
                  .ok());
  auto db = catalog_->get_database(ctx_, "a");
  EXPECT_EQ((*db)["Description"], "new");
  EXPECT_EQ((*db)["CreateTime"], 1700000000.0);
  EXPECT_TRUE(absl::IsInvalidArgument(
      catalog_->update_database(op("UpdateDatabase"), "a", {{"Name", "b"}})));
}

TEST_P(CatalogTest, GetDatabasesPagesWithoutRepeats) {
  for (int i = 0; i < 7; ++i) make_db("db" + std::to_string(i));
  std::vector<std::string> seen;
  Json after;
  int pages = 0;
  do {
    auto page = catalog_->get_databases(ctx_, after, 3);
    ASSERT_TRUE(page.ok());
    for (auto& d : page->items) seen.push_back(d["Name"]);
    after = page->next;
    ++pages;
  } while (!after.is_null());
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_EQ(seen.front(), "db0");
  EXPECT_EQ(seen.back(), "db6");
}

TEST_P(CatalogTest, DeleteDatabaseCascadesToTablesVersionsFunctionsAndTags) {
  make_db("a");
  make_table("a", "t1");
  make_table("a", "t2");
  ASSERT_TRUE(catalog_->update_table(op("UpdateTable"), "a", table_input("t1", "/y"), std::nullopt, false).ok());
  ASSERT_TRUE(catalog_->create_function(op("CreateUserDefinedFunction"), "a",
                                        {{"FunctionName", "f"}, {"ClassName", "x.F"}})
                  .ok());
  ASSERT_TRUE(catalog_->tag_resource(op("TagResource"), "arn:aws:glue:us-east-1:123456789012:table/a/t1",
                                     {{"k", "v"}})
                  .ok());
  ASSERT_EQ(count("SELECT count(*) FROM table_versions"), 1);
  ASSERT_TRUE(catalog_->delete_database(op("DeleteDatabase"), "A").ok());
  EXPECT_EQ(count("SELECT count(*) FROM tables"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM table_versions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM functions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM tags"), 0);
  // Re-creating the database starts empty.
  make_db("a");
  auto page = catalog_->get_tables(ctx_, "a", std::nullopt, nullptr, 100);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
}

TEST_P(CatalogTest, AuditRecordsSuccessInTransactionAndFailureSeparately) {
  CallContext c = op("CreateDatabase");
  c.request_id = "r-ok";
  ASSERT_TRUE(catalog_->create_database(c, {{"Name", "a"}}, nullptr).ok());
  c.request_id = "r-dup";
  ASSERT_FALSE(catalog_->create_database(c, {{"Name", "a"}}, nullptr).ok());
  auto entries = list_audit(*store_, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].request_id, "r-dup");
  EXPECT_EQ((*entries)[0].outcome, "AlreadyExistsException");
  EXPECT_EQ((*entries)[1].request_id, "r-ok");
  EXPECT_EQ((*entries)[1].outcome, "OK");
  EXPECT_EQ((*entries)[1].operation, "CreateDatabase");
  EXPECT_EQ((*entries)[1].resource, "arn:aws:glue:us-east-1:123456789012:database/a");
  EXPECT_EQ((*entries)[1].principal, ctx_.principal);
}

TEST_P(CatalogTest, FailedMutationLeavesNoChangeAndOneFailureRow) {
  make_db("a");
  // A tag value of the wrong type fails after the database row was inserted:
  // the whole mutation rolls back.
  auto st = catalog_->create_database(op("CreateDatabase"), {{"Name", "b"}}, {{"k", 5}});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_TRUE(absl::IsNotFound(catalog_->get_database(ctx_, "b").status()));
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE outcome='InvalidInputException' "
                  "AND resource LIKE '%database/b'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE outcome='OK' AND resource LIKE '%database/b'"), 0);
}

// A data dir from before times were microseconds: catalog migration 2 turns
// the REAL seconds into BIGINT microseconds, exactly.
TEST_P(CatalogTest, MigrationTurnsSecondsIntoMicroseconds) {
  TestStore old;
  ASSERT_EQ(old.open(GetParam()), "");
  ASSERT_TRUE(old->migrate("catalog", {catalog_migrations()[0]}).ok());
  ASSERT_TRUE(store::run_in_write_transaction(*old, [](store::Transaction& tx) {
                return tx
                    .exec("INSERT INTO databases(catalog_id, name, body, create_time) VALUES('1', 'old', '{}', ?)",
                          {1700000000.123456})
                    .status();
              }).ok());
  ASSERT_TRUE(Catalog::migrate(*old).ok());
  auto tx = old->begin(false);
  auto rows = (*tx)->query("SELECT create_time FROM databases WHERE name = 'old'");
  ASSERT_TRUE(rows.ok()) << rows.status();
  if (GetParam() == test_support::StoreBackend::kPostgres) {
    // PostgreSQL's REAL holds 24 bits: only the seconds' magnitude survives;
    // no PostgreSQL data dir ever held REAL times (the backend is new).
    EXPECT_NEAR(static_cast<double>((*rows)[0].int_at(0)), 1700000000123456.0, 2e8);
  } else {
    EXPECT_EQ((*rows)[0].int_at(0), 1700000000123456);
  }
  EXPECT_TRUE(std::holds_alternative<int64_t>((*rows)[0].values[0]));
}

// Instantiates every CatalogTest case, also those of table_test.cc and catalog_misc_test.cc.
MORTAR_ON_STORE_BACKENDS(CatalogTest, test_support::StoreBackend::kSqliteFile);

}  // namespace
}  // namespace mortar::catalog
