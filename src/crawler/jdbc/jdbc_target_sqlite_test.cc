// plan_jdbc_target() against real SQLite files made by the test.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "crawler/jdbc/jdbc_target.h"

namespace mortar::crawler {
namespace {

class JdbcSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mortar_jdbc_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    db_path_ = dir_ + "/shop.db";
    exec(
        "CREATE TABLE Customers (id INTEGER PRIMARY KEY, Name VARCHAR(40), vip BOOLEAN, "
        "  joined DATE, last_seen DATETIME, balance DECIMAL(10,2), score REAL, photo BLOB, notes);"
        "CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, total NUMERIC);"
        "CREATE TABLE tmp_scratch (x TEXT);"
        "CREATE VIEW big_orders AS SELECT order_id, total FROM orders WHERE total > 100;"
        "CREATE TABLE gone (a INTEGER);"
        "CREATE VIEW broken AS SELECT a FROM gone;"
        "DROP TABLE gone;");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }

  Json connection(const std::string& url) const {
    return {{"Name", "shopconn"},
            {"ConnectionType", "JDBC"},
            {"ConnectionProperties", {{"JDBC_CONNECTION_URL", url}}}};
  }

  StatusOr<JdbcPlan> plan(const std::string& path, std::vector<std::string> exclusions = {},
                          const std::string& prefix = "") {
    Json target = {{"ConnectionName", "shopconn"}, {"Path", path}, {"Exclusions", exclusions}};
    return plan_jdbc_target(connection("jdbc:sqlite:" + db_path_), target, prefix, cancel_,
                            [this](const std::string&, const std::string& m) { log_.push_back(m); });
  }

  static const PlannedTable* find(const JdbcPlan& p, const std::string& name) {
    for (const auto& t : p.tables)
      if (t.name == name) return &t;
    return nullptr;
  }

  std::string dir_, db_path_;
  CancelToken cancel_;
  std::vector<std::string> log_;
};

TEST_F(JdbcSqliteTest, TablesAndViewsBecomePlannedTablesWithGlueTypes) {
  auto p = plan("shop/%");
  ASSERT_TRUE(p.ok()) << p.status();
  std::vector<std::string> names;
  for (const auto& t : p->tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"shop_big_orders", "shop_customers", "shop_orders",
                                              "shop_tmp_scratch"}));
  const PlannedTable* c = find(*p, "shop_customers");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->location, "shop.Customers");
  EXPECT_EQ(c->classification.classification, "sqlite");
  EXPECT_EQ(c->classification.parameters.at("typeOfData"), "table");
  EXPECT_EQ(c->extra_parameters.at("connectionName"), "shopconn");
  EXPECT_TRUE(c->partition_keys.empty());
  EXPECT_EQ(c->classification.schema->to_string(),
            "struct<id:bigint,name:string,vip:boolean,joined:date,last_seen:timestamp,"
            "balance:decimal(10,2),score:double,photo:binary,notes:string>");
  const PlannedTable* v = find(*p, "shop_big_orders");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->classification.parameters.at("typeOfData"), "view");
  EXPECT_EQ(v->classification.schema->to_string(), "struct<order_id:bigint,total:double>");
}

TEST_F(JdbcSqliteTest, BrokenViewIsAProblemAndTheCrawlGoesOn) {
  auto p = plan("shop/%");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->problems.size(), 1u);
  EXPECT_EQ(p->problems[0].path, "shop.broken");
  EXPECT_NE(p->problems[0].message.find("gone"), std::string::npos) << p->problems[0].message;
}

TEST_F(JdbcSqliteTest, IncludePatternExclusionsAndPrefix) {
  auto p = plan("main/%ord%", {}, "src_");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->tables.size(), 2u);
  EXPECT_EQ(p->tables[0].name, "src_main_big_orders");
  EXPECT_EQ(p->tables[1].name, "src_main_orders");
  auto ex = plan("shop/%", {"tmp_*", "{big_orders,broken}"});
  ASSERT_TRUE(ex.ok()) << ex.status();
  EXPECT_EQ(ex->tables.size(), 2u);
  EXPECT_EQ(find(*ex, "shop_tmp_scratch"), nullptr);
  EXPECT_TRUE(ex->problems.empty());
}

TEST_F(JdbcSqliteTest, NamesAreSanitisedAndClashesGetAHashSuffix) {
  exec("CREATE TABLE \"Order-Items\" (a INTEGER); CREATE TABLE order_items (b INTEGER);");
  auto p = plan("shop/order%items");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->tables.size(), 2u);
  EXPECT_EQ(p->tables[0].location, "shop.Order-Items");
  EXPECT_EQ(p->tables[0].name, "shop_order_items");  // its location sorts first
  EXPECT_EQ(p->tables[1].location, "shop.order_items");
  EXPECT_EQ(p->tables[1].name.rfind("shop_order_items_", 0), 0u) << p->tables[1].name;
  EXPECT_EQ(p->tables[1].name.size(), std::string("shop_order_items_").size() + 32);  // md5 hex
}

TEST_F(JdbcSqliteTest, UnknownDatabaseAndMissingFileNameTheConnection) {
  auto p = plan("warehouse/%");
  ASSERT_TRUE(absl::IsNotFound(p.status())) << p.status();
  EXPECT_NE(p.status().message().find("shopconn"), absl::string_view::npos);
  EXPECT_NE(p.status().message().find("'shop'"), absl::string_view::npos);

  Json target = {{"Path", "nope/%"}};
  auto missing = plan_jdbc_target(connection("jdbc:sqlite:" + dir_ + "/nope.db"), target, "", cancel_, nullptr);
  ASSERT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_NE(missing.status().message().find("shopconn"), absl::string_view::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/nope.db"));  // never created by a crawl
}

TEST_F(JdbcSqliteTest, NotADatabaseIsAClearError) {
  { std::ofstream(dir_ + "/junk.db") << std::string(4096, 'x'); }
  Json target = {{"Path", "junk/%"}};
  auto p = plan_jdbc_target(connection("jdbc:sqlite:" + dir_ + "/junk.db"), target, "", cancel_, nullptr);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("shopconn"), absl::string_view::npos) << p.status();
  EXPECT_NE(p.status().message().find("not a database"), absl::string_view::npos) << p.status();
}

TEST_F(JdbcSqliteTest, CancelStopsBetweenTables) {
  cancel_.cancel();
  auto p = plan("shop/%");
  EXPECT_TRUE(absl::IsCancelled(p.status())) << p.status();
}

TEST_F(JdbcSqliteTest, BadInputsAreInvalidInput) {
  Json target = {{"Path", "shop/%"}};
  EXPECT_TRUE(absl::IsInvalidArgument(plan_jdbc_target(Json::object(), target, "", cancel_, nullptr).status()));
  Json kafka = {{"Name", "k"}, {"ConnectionType", "KAFKA"}, {"ConnectionProperties", Json::object()}};
  auto k = plan_jdbc_target(kafka, target, "", cancel_, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(k.status())) << k.status();
  Json bad_glob = {{"Path", "shop/%"}, {"Exclusions", {"[abc"}}};
  EXPECT_TRUE(absl::IsInvalidArgument(
      plan_jdbc_target(connection("jdbc:sqlite:" + db_path_), bad_glob, "", cancel_, nullptr).status()));
  Json no_path = {{"ConnectionName", "shopconn"}};
  EXPECT_TRUE(absl::IsInvalidArgument(
      plan_jdbc_target(connection("jdbc:sqlite:" + db_path_), no_path, "", cancel_, nullptr).status()));
}

TEST_F(JdbcSqliteTest, PostgresConnectionRefusedNamesConnectionNotPassword) {
  // Port 1 on loopback: nothing listens, so libpq fails fast.
  Json conn = {{"Name", "pgconn"},
               {"ConnectionType", "JDBC"},
               {"ConnectionProperties",
                {{"JDBC_CONNECTION_URL", "jdbc:postgresql://127.0.0.1:1/sales"},
                 {"USERNAME", "etl"},
                 {"PASSWORD", "Very$ecretPw"}}}};
  auto p = plan_jdbc_target(conn, {{"Path", "sales/public/%"}}, "", cancel_, nullptr);
  ASSERT_FALSE(p.ok());
  const std::string msg(p.status().message());
  EXPECT_NE(msg.find("pgconn"), std::string::npos) << msg;
  EXPECT_NE(msg.find("127.0.0.1:1/sales"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("Very$ecretPw"), std::string::npos) << msg;
}

}  // namespace
}  // namespace mortar::crawler
