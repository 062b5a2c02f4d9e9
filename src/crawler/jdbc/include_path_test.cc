#include "crawler/jdbc/include_path.h"

#include <gtest/gtest.h>

namespace mortar::crawler::jdbc {
namespace {

TEST(IncludePath, PostgresSegmentsAndDefaults) {
  auto p = IncludePath::parse("mydb/public/%", true);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->database(), "mydb");
  EXPECT_TRUE(p->matches_schema("public"));
  EXPECT_TRUE(p->matches_schema("PUBLIC"));
  EXPECT_FALSE(p->matches_schema("sales"));
  EXPECT_TRUE(p->matches_table("orders"));

  auto all = IncludePath::parse("mydb", true);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->matches_schema("anything"));
  EXPECT_TRUE(all->matches_table("anything"));

  auto one = IncludePath::parse("mydb/sales/orders", true);
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->matches_table("orders"));
  EXPECT_FALSE(one->matches_table("orders_2024"));
}

TEST(IncludePath, PercentIsAWildcardAnywhereInASegment) {
  EXPECT_TRUE(IncludePath::like("orders_%", "orders_2024"));
  EXPECT_FALSE(IncludePath::like("orders_%", "orders"));
  EXPECT_TRUE(IncludePath::like("%_log", "access_log"));
  EXPECT_TRUE(IncludePath::like("a%b%c", "aXXbYYc"));
  EXPECT_FALSE(IncludePath::like("a%b%c", "aXXbYY"));
  EXPECT_TRUE(IncludePath::like("%", ""));
  EXPECT_FALSE(IncludePath::like("t_1", "tx1"));  // '_' is literal, not SQL's one-character wildcard
}

TEST(IncludePath, BadPathsAreInvalidInput) {
  for (const char* bad : {"", "/", "%/public/%", "db%/x", "db//t", "a/b/c/d"}) {
    auto p = IncludePath::parse(bad, true);
    EXPECT_TRUE(absl::IsInvalidArgument(p.status())) << bad << " -> " << p.status();
  }
  EXPECT_TRUE(absl::IsInvalidArgument(IncludePath::parse("shop/other/t", false).status()));
}

TEST(IncludePath, SqliteHasNoSchemaLevel) {
  auto p = IncludePath::parse("shop/cust%", false);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->matches_table("customers"));
  EXPECT_FALSE(p->matches_table("orders"));
  auto main = IncludePath::parse("shop/main/%", false);
  ASSERT_TRUE(main.ok()) << main.status();
  EXPECT_TRUE(main->matches_table("orders"));
}

TEST(IncludePath, ExclusionsAreRelativeToTheLiteralPrefix) {
  auto tables = IncludePath::parse("mydb/public/%", true);
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(tables->relative_path("public", "orders"), "orders");
  auto schemas = IncludePath::parse("mydb/%", true);
  ASSERT_TRUE(schemas.ok());
  EXPECT_EQ(schemas->relative_path("staging", "orders"), "staging/orders");
  auto sqlite = IncludePath::parse("shop/%", false);
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ(sqlite->relative_path("", "orders"), "orders");
}


}  // namespace
}  // namespace mortar::crawler::jdbc
