// plan_jdbc_target() against a real PostgreSQL started by the test
// (testing/postgres_test_server.h: initdb + pg_ctl on a free loopback
// port, as the `postgres` user when run as root).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "crawler/jdbc/jdbc_target.h"
#include "testing/postgres_test_server.h"

namespace mortar::crawler {
namespace {

using mortar::test_support::PostgresTestServer;

constexpr const char* kPassword = PostgresTestServer::kPassword;

class PostgresFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setup_error_ = server_.start();
    if (!setup_error_.empty()) return;
    port_ = server_.port();
    const bool ok =
        server_.sql("postgres", fmt::format("CREATE ROLE crawler LOGIN PASSWORD '{}';", kPassword)) &&
        server_.sql("postgres", "CREATE DATABASE shop;") &&  // not inside a transaction
        server_.sql("shop",
                    "CREATE SCHEMA sales; CREATE SCHEMA hr;"
                    "CREATE TABLE sales.orders (id bigint, qty int2, price numeric(10,2), note varchar(20), "
                    "  at timestamptz, tags int[]);"
                    "CREATE TABLE sales.tmp_x (a int);"
                    "CREATE VIEW sales.v_orders AS SELECT id, price FROM sales.orders;"
                    "CREATE TABLE sales.locked (a int);"
                    "CREATE TABLE hr.people (name text);"
                    "GRANT USAGE ON SCHEMA sales, hr TO crawler;"
                    "GRANT SELECT ON sales.orders, sales.tmp_x, sales.v_orders, hr.people TO crawler;");
    if (!ok) setup_error_ = "setting up the test database failed";
  }

  static void TearDownTestSuite() { server_.stop(); }

  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static Json connection(const std::string& password = kPassword) {
    return {{"Name", "pgconn"},
            {"ConnectionType", "JDBC"},
            {"ConnectionProperties",
             {{"JDBC_CONNECTION_URL", fmt::format("jdbc:postgresql://127.0.0.1:{}/shop", port_)},
              {"USERNAME", "crawler"},
              {"PASSWORD", password}}}};
  }

  StatusOr<JdbcPlan> plan(const std::string& path, std::vector<std::string> exclusions = {},
                          const std::string& password = kPassword) {
    Json target = {{"ConnectionName", "pgconn"}, {"Path", path}, {"Exclusions", exclusions}};
    return plan_jdbc_target(connection(password), target, "", cancel_, nullptr);
  }

  static std::vector<std::string> names(const JdbcPlan& p) {
    std::vector<std::string> out;
    for (const auto& t : p.tables) out.push_back(t.name);
    return out;
  }

  static inline PostgresTestServer server_;
  static inline std::string setup_error_;
  static inline int port_ = 0;
  CancelToken cancel_;
};

TEST_F(PostgresFixture, TablesViewsTypesAndProblems) {
  auto p = plan("shop/sales/%", {"tmp_*"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(names(*p), (std::vector<std::string>{"shop_sales_orders", "shop_sales_v_orders"}));
  const PlannedTable& orders = p->tables[0];
  EXPECT_EQ(orders.location, "shop.sales.orders");
  EXPECT_EQ(orders.classification.classification, "postgresql");
  EXPECT_EQ(orders.classification.parameters.at("typeOfData"), "table");
  EXPECT_EQ(orders.extra_parameters.at("connectionName"), "pgconn");
  EXPECT_EQ(orders.classification.schema->to_string(),
            "struct<id:bigint,qty:smallint,price:decimal(10,2),note:string,at:timestamp,tags:array<int>>");
  EXPECT_EQ(p->tables[1].classification.parameters.at("typeOfData"), "view");
  ASSERT_EQ(p->problems.size(), 1u);  // sales.locked: no SELECT privilege
  EXPECT_EQ(p->problems[0].path, "shop.sales.locked");
  EXPECT_NE(p->problems[0].message.find("permission denied"), std::string::npos);
}

TEST_F(PostgresFixture, WildcardSchemaSkipsSystemSchemasAndHonoursExclusions) {
  auto p = plan("shop/%", {"sales/**"});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(names(*p), (std::vector<std::string>{"shop_hr_people"}));
  auto all = plan("shop");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->tables.size(), 4u);  // hr.people, sales.orders, sales.tmp_x, sales.v_orders
}

TEST_F(PostgresFixture, BadPasswordIsAccessDeniedWithoutThePassword) {
  auto p = plan("shop/sales/%", {}, "wrong-password-xyz");
  ASSERT_TRUE(absl::IsPermissionDenied(p.status())) << p.status();
  const std::string msg(p.status().message());
  EXPECT_NE(msg.find("pgconn"), std::string::npos) << msg;
  EXPECT_NE(msg.find("authentication failed"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("wrong-password-xyz"), std::string::npos) << msg;
}

TEST_F(PostgresFixture, UnknownDatabaseIsNotFound) {
  auto p = plan("nosuchdb/%");
  ASSERT_TRUE(absl::IsNotFound(p.status())) << p.status();
  EXPECT_NE(p.status().message().find("nosuchdb"), absl::string_view::npos);
  EXPECT_NE(p.status().message().find("pgconn"), absl::string_view::npos);
}

}  // namespace
}  // namespace mortar::crawler
