// plan_jdbc_target() against a real PostgreSQL started by the test (initdb +
// pg_ctl on a free loopback port; as the `postgres` user when run as root,
// since PostgreSQL refuses to run as root).
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "crawler/jdbc/jdbc_target.h"

namespace mortar::crawler {
namespace {

constexpr const char* kPassword = "Pg-Test-Secret-77";

std::string find_pg_bin(const std::string& name) {
  for (const char* dir : {"/usr/local/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
                          "/usr/lib/postgresql/15/bin"}) {
    std::string p = std::string(dir) + "/" + name;
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

class PostgresFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string initdb = find_pg_bin("initdb"), pg_ctl = find_pg_bin("pg_ctl"), psql = find_pg_bin("psql");
    if (initdb.empty() || pg_ctl.empty() || psql.empty()) {
      setup_error_ = "PostgreSQL's initdb/pg_ctl/psql not found: install the Debian package `postgresql`";
      return;
    }
    char tmpl[] = "/tmp/mortar_pgcxx_XXXXXX";
    if (!mkdtemp(tmpl)) {
      setup_error_ = "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    as_ = "";
    if (geteuid() == 0) {
      passwd* pw = getpwnam("postgres");
      if (!pw) {
        setup_error_ = "running as root without a `postgres` user: install the package `postgresql`";
        return;
      }
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) setup_error_ = "chown failed";
      as_ = "runuser -u postgres -- ";
    }
    std::ofstream(dir_ + "/pw") << kPassword << "\n";
    if (!as_.empty()) run("chown postgres " + dir_ + "/pw");
    if (!run(fmt::format("{}{} -D {}/data -U postgres --pwfile={}/pw --auth-local=trust "
                         "--auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >{}/initdb.log 2>&1",
                         as_, initdb, dir_, dir_, dir_))) {
      setup_error_ = "initdb failed, see " + dir_ + "/initdb.log";
      return;
    }
    port_ = free_port();
    if (!run(fmt::format("{}{} -D {}/data -l {}/server.log -o '-p {} -c listen_addresses=127.0.0.1 -k {} "
                         "-c fsync=off' -w -t 60 start >/dev/null 2>&1",
                         as_, pg_ctl, dir_, dir_, port_, dir_))) {
      setup_error_ = "pg_ctl start failed, see " + dir_ + "/server.log";
      return;
    }
    started_ = true;
    psql_ = fmt::format("{}{} -h {} -p {} -U postgres -X -q -v ON_ERROR_STOP=1", as_, psql, dir_, port_);
    const bool ok =
        sql("postgres", fmt::format("CREATE ROLE crawler LOGIN PASSWORD '{}'", kPassword)) &&
        sql("postgres", "CREATE DATABASE shop") &&  // not inside psql -c's transaction
        sql("shop",
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

  static void TearDownTestSuite() {
    if (started_)
      run(fmt::format("{}{} -D {}/data -m fast -w stop >/dev/null 2>&1", as_, find_pg_bin("pg_ctl"), dir_));
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  static bool run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
  static bool sql(const std::string& db, const std::string& statements) {
    return run(fmt::format("{} -d {} -c \"{}\" >/dev/null", psql_, db, statements));
  }

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

  static inline std::string dir_, as_, psql_, setup_error_;
  static inline int port_ = 0;
  static inline bool started_ = false;
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
