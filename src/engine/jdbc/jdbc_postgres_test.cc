// read_jdbc / write_jdbc against a real PostgreSQL started by the suite.
#include <algorithm>

#include <gtest/gtest.h>

#include "engine/jdbc/jdbc_sink.h"
#include "engine/jdbc/jdbc_source.h"
#include "engine/test_util.h"
#include "testing/postgres_test_server.h"

namespace mortar::engine::jdbc {
namespace {

using engine::testing::json_frame;
using engine::testing::lines;
using engine::testing::schema_of;
using engine::testing::TempDir;

class JdbcPostgres : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setup_error_ = server_.start();
    if (!setup_error_.empty()) return;
    const bool ok =
        server_.sql("postgres", fmt::format("CREATE ROLE etl LOGIN PASSWORD '{}';", kPassword())) &&
        server_.sql("postgres", "CREATE DATABASE shop;") &&
        server_.sql("shop",
                    "CREATE SCHEMA sales AUTHORIZATION etl;"
                    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);"
                    "CREATE TABLE sales.everything (id bigint, small smallint, n posint, r real, d double precision,"
                    "  price numeric(10,2), big numeric, name varchar(20), note text, flag boolean, day date,"
                    "  at timestamp, atz timestamptz, doc jsonb, blob bytea, tags text[], nums int[], u uuid);"
                    "INSERT INTO sales.everything VALUES (1, 2, 3, 1.5, 2.25, 12.30, 123.456, 'pen', "
                    "  E'tab\\there\\nnew \"q\" \\\\ back', true, '2024-01-02', '2024-01-02 03:04:05.123456',"
                    "  '2024-01-02 03:04:05+02', '{\"a\": [1, 2]}', '\\x0001ff', ARRAY['a b', NULL, 'c,\"d\"'],"
                    "  '{{1,2},{3,4}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');"
                    "INSERT INTO sales.everything (id) VALUES (2);"
                    "ALTER TABLE sales.everything OWNER TO etl;"
                    "CREATE TABLE sales.big AS SELECT g AS id, 'name ' || (g % 97) AS name, (g * 1.5)::numeric(12,2) "
                    "  AS amount FROM generate_series(1, 20000) g;"
                    "ALTER TABLE sales.big OWNER TO etl;"
                    "CREATE TABLE public.secret (id int);");
    if (!ok) setup_error_ = "setting up the test database failed";
  }
  static void TearDownTestSuite() { server_.stop(); }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static std::string kPassword() { return mortar::test_support::PostgresTestServer::kPassword; }
  static JdbcSourceOptions source(const std::string& table) {
    JdbcSourceOptions o;
    o.url = server_.jdbc_url("shop");
    o.user = "etl";
    o.password = kPassword();
    o.dbtable = table;
    return o;
  }
  static JdbcSinkOptions sink(const std::string& table) {
    JdbcSinkOptions o;
    o.url = server_.jdbc_url("shop");
    o.user = "etl";
    o.password = kPassword();
    o.dbtable = table;
    return o;
  }

  static inline mortar::test_support::PostgresTestServer server_;
  static inline std::string setup_error_;
};

std::vector<std::string> sorted_lines(const DynamicFrame& f) {
  std::vector<std::string> out;
  std::string all = lines(f);
  size_t start = 0;
  while (start < all.size()) {
    size_t nl = all.find('\n', start);
    out.push_back(all.substr(start, nl - start));
    start = nl == std::string::npos ? all.size() : nl + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(JdbcPostgres, EveryCommonTypeReadsAsItsGlueType) {
  auto f = read_jdbc(source("sales.everything"));
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(schema_of(*f),
            "struct<id:bigint,small:smallint,n:int,r:float,d:double,price:decimal(10,2),big:decimal(38,18),"
            "name:string,note:string,flag:boolean,day:date,at:timestamp,atz:timestamp,doc:string,blob:binary,"
            "tags:array<string>,nums:array<int>,u:string>");
  auto rows = f->to_rows();
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(lines(*f),
            "{\"id\": 1, \"small\": 2, \"n\": 3, \"r\": 1.5, \"d\": 2.25, \"price\": 12.30, "
            "\"big\": 123.456000000000000000, \"name\": \"pen\", \"note\": \"tab\\there\\nnew \\\"q\\\" \\\\ back\", "
            "\"flag\": true, \"day\": \"2024-01-02\", \"at\": \"2024-01-02 03:04:05.123456\", "
            "\"atz\": \"2024-01-02 01:04:05\", \"doc\": \"{\\\"a\\\": [1, 2]}\", \"blob\": \"\\u0000\\u0001\xEF\xBF\xBD\", "
            "\"tags\": [\"a b\", null, \"c,\\\"d\\\"\"], \"nums\": [1, 2, 3, 4], "
            "\"u\": \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}\n"
            "{\"id\": 2, \"small\": null, \"n\": null, \"r\": null, \"d\": null, \"price\": null, \"big\": null, "
            "\"name\": null, \"note\": null, \"flag\": null, \"day\": null, \"at\": null, \"atz\": null, "
            "\"doc\": null, \"blob\": null, \"tags\": null, \"nums\": null, \"u\": null}\n");
}

TEST_F(JdbcPostgres, HashPartitionsGiveTheSameRowsAsOneRead) {
  auto one = read_jdbc(source("sales.big"));
  ASSERT_TRUE(one.ok());
  const auto expected = sorted_lines(*one);
  ASSERT_EQ(expected.size(), 20000u);
  auto field = source("sales.big");
  field.hashfield = "name";
  field.hashpartitions = 4;
  auto f = read_jdbc(field);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(sorted_lines(*f), expected);
  auto expr = source("sales.big");
  expr.hashexpression = "id";  // hashpartitions defaults to 7
  auto e = read_jdbc(expr);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(sorted_lines(*e), expected);
}

TEST_F(JdbcPostgres, CopyWriteCreatesAppendsAndRoundTrips) {
  TempDir dir;
  auto frame = json_frame(dir, {"{\"id\": 1, \"name\": \"tab\\there\", \"tags\": [\"x\", \"y z\"], \"s\": {\"a\": 1}}\n"
                                "{\"id\": 2, \"name\": null, \"tags\": [], \"s\": null}\n"});
  auto w = write_jdbc(frame, sink("sales.people"));
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->rows, 2);
  EXPECT_TRUE(w->created_table);
  EXPECT_EQ(server_.query("shop", "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                                  "'sales.people'::regclass AND attnum > 0 ORDER BY attnum"),
            "bigint\ntext\ntext[]\njsonb\n");
  EXPECT_EQ(server_.query("shop", "SELECT id, name, tags[2], s->>'a' FROM sales.people ORDER BY id"),
            "1|tab\there|y z|1\n2|||\n");
  auto again = write_jdbc(frame, sink("sales.people"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created_table);
  EXPECT_EQ(server_.query("shop", "SELECT count(*) FROM sales.people"), "4\n");
  auto back = read_jdbc(source("sales.people"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back->count(), 4);
}

TEST_F(JdbcPostgres, AFailingWriteLeavesNoTableAndNoRows) {
  ASSERT_TRUE(server_.sql("shop", "CREATE TABLE sales.narrow (id int, code varchar(3)); "
                                  "ALTER TABLE sales.narrow OWNER TO etl;"));
  TempDir dir;
  auto frame = json_frame(dir, {"{\"id\": 1, \"code\": \"abc\"}\n{\"id\": 2, \"code\": \"abcdef\"}\n"});
  auto w = write_jdbc(frame, sink("sales.narrow"));
  ASSERT_TRUE(absl::IsInvalidArgument(w.status())) << w.status();
  const std::string msg(w.status().message());
  EXPECT_NE(msg.find("row 2, column code"), std::string::npos) << msg;
  EXPECT_NE(msg.find("character varying(3)"), std::string::npos) << msg;
  EXPECT_EQ(server_.query("shop", "SELECT count(*) FROM sales.narrow"), "0\n");

  // A new table whose source fails midway (division by zero at row 15000,
  // after whole batches were already sent) is rolled back with its rows.
  auto src = source("");
  src.sample_query = "SELECT g AS id, 100 / (15000 - g) AS q FROM generate_series(1, 20000) g";
  auto failing = read_jdbc(src);
  ASSERT_TRUE(failing.ok()) << failing.status();
  auto w2 = write_jdbc(*failing, sink("sales.never"));
  ASSERT_FALSE(w2.ok());
  EXPECT_NE(w2.status().message().find("division by zero"), absl::string_view::npos) << w2.status();
  EXPECT_EQ(server_.query("shop", "SELECT to_regclass('sales.never') IS NULL"), "t\n");
}

TEST_F(JdbcPostgres, ConnectionErrorsNameTheServerNotThePassword) {
  auto bad = source("sales.everything");
  bad.password = "wrong-password-xyz";
  auto f = read_jdbc(bad);
  ASSERT_TRUE(f.ok());
  auto st = f->count().status();
  ASSERT_TRUE(absl::IsPermissionDenied(st)) << st;
  const std::string msg(st.message());
  EXPECT_NE(msg.find(fmt::format("127.0.0.1:{}/shop", server_.port())), std::string::npos) << msg;
  EXPECT_EQ(msg.find("wrong-password-xyz"), std::string::npos) << msg;

  auto missing = read_jdbc(source("sales.nope"));
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(absl::IsNotFound(missing->count().status())) << missing->count().status();

  // A table the user may not read is a permission error, not bad input.
  auto secret = read_jdbc(source("public.secret"));
  ASSERT_TRUE(secret.ok());
  EXPECT_TRUE(absl::IsPermissionDenied(secret->count().status())) << secret->count().status();

  auto refused = source("t");
  refused.url = "jdbc:postgresql://127.0.0.1:1/shop";
  auto r = read_jdbc(refused);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(absl::IsUnavailable(r->count().status())) << r->count().status();
}

}  // namespace
}  // namespace mortar::engine::jdbc
