// read_jdbc / write_jdbc against SQLite files the tests create.
#include <sqlite3.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "engine/jdbc/jdbc_sink.h"
#include "engine/jdbc/jdbc_source.h"
#include "engine/test_util.h"

namespace mortar::engine::jdbc {
namespace {

using engine::testing::json_frame;
using engine::testing::lines;
using engine::testing::schema_of;
using engine::testing::TempDir;

void exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

int64_t scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

JdbcSourceOptions source(const std::string& db, const std::string& table) {
  JdbcSourceOptions o;
  o.url = "jdbc:sqlite:" + db;
  o.dbtable = table;
  return o;
}

// Sorted JSON lines: partitioned reads have no defined order.
std::vector<std::string> sorted_json_lines(const DynamicFrame& f) {
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

TEST(JdbcSqliteSource, DeclaredTypesMapToGlueTypes) {
  TempDir dir;
  const std::string db = dir.file("shop.db");
  exec(db,
       "CREATE TABLE orders (id INTEGER, qty SMALLINT, price DECIMAL(10,2), ratio REAL, name VARCHAR(20), "
       "  paid BOOLEAN, day DATE, at TIMESTAMP, raw BLOB, anything);"
       "INSERT INTO orders VALUES (1, 3, '12.30', 0.5, 'pen', 1, '2024-01-02', '2024-01-02 03:04:05.25', "
       "  x'0102', 'x');"
       "INSERT INTO orders VALUES (2, NULL, 7, NULL, NULL, 0, NULL, 1700000000, NULL, 5);");
  auto frame = read_jdbc(source(db, "orders"));
  ASSERT_TRUE(frame.ok()) << frame.status();
  EXPECT_EQ(schema_of(*frame),
            "struct<id:bigint,qty:bigint,price:decimal(10,2),ratio:double,name:string,paid:boolean,"
            "day:date,at:timestamp,raw:binary,anything:string>");
  EXPECT_EQ(lines(*frame),
            "{\"id\": 1, \"qty\": 3, \"price\": 12.30, \"ratio\": 0.5, \"name\": \"pen\", \"paid\": true, "
            "\"day\": \"2024-01-02\", \"at\": \"2024-01-02 03:04:05.250000\", \"raw\": \"\\u0001\\u0002\", "
            "\"anything\": \"x\"}\n"
            "{\"id\": 2, \"qty\": null, \"price\": 7.00, \"ratio\": null, \"name\": null, \"paid\": false, "
            "\"day\": null, \"at\": \"2023-11-14 22:13:20\", \"raw\": null, \"anything\": \"5\"}\n");
}

TEST(JdbcSqliteSource, HashPartitionsReadTheSameRowsOnce) {
  TempDir dir;
  const std::string db = dir.file("big.db");
  std::string sql = "CREATE TABLE t (id INTEGER, name TEXT); BEGIN;";
  for (int i = 0; i < 1000; ++i)
    sql += "INSERT INTO t VALUES (" + std::to_string(i) + ", " + (i % 10 == 0 ? std::string("NULL") : "'n" + std::to_string(i % 37) + "'") + ");";
  exec(db, sql + "COMMIT;");
  auto one = read_jdbc(source(db, "t"));
  ASSERT_TRUE(one.ok());
  const auto expected = sorted_json_lines(*one);
  ASSERT_EQ(expected.size(), 1000u);

  auto by_field = source(db, "t");
  by_field.hashfield = "name";  // NULL names go to partition 0
  by_field.hashpartitions = 4;
  by_field.batch_rows = 64;
  auto f = read_jdbc(by_field);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(sorted_json_lines(*f), expected);

  auto by_expr = source(db, "t");
  by_expr.hashexpression = "id - 500";  // negative values too
  by_expr.hashpartitions = 3;
  auto e = read_jdbc(by_expr);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(sorted_json_lines(*e), expected);

  auto sample = source(db, "");
  sample.sample_query = "SELECT id FROM t WHERE id < 10;";
  sample.hashexpression = "id";
  sample.hashpartitions = 2;
  auto s = read_jdbc(sample);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s->count(), 10);
}

TEST(JdbcSqliteSource, FilterPredicateIsEvaluatedByTheDatabase) {
  TempDir dir;
  const std::string db = dir.file("f.db");
  exec(db,
       "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT);"
       "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100) "
       "INSERT INTO t SELECT i, 'v' || i FROM s;");
  auto filtered = source(db, "t");
  filtered.filter_predicate = "id > 90 AND id <= 95";
  filtered.hashfield = "id";  // partitions split the filtered rows
  filtered.hashpartitions = 3;
  auto f = read_jdbc(filtered);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(sorted_json_lines(*f),
            (std::vector<std::string>{R"({"id": 91, "n": "v91"})", R"({"id": 92, "n": "v92"})",
                                      R"({"id": 93, "n": "v93"})", R"({"id": 94, "n": "v94"})",
                                      R"({"id": 95, "n": "v95"})"}));
  auto bad = source(db, "t");
  bad.filter_predicate = "no_such_column > 1";
  auto b = read_jdbc(bad);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->count().ok());
}

TEST(JdbcSqliteSource, ClearErrors) {
  TempDir dir;
  const std::string db = dir.file("e.db");
  exec(db, "CREATE TABLE t (id INTEGER, n INTEGER); INSERT INTO t VALUES (1, 2), (2, 'abc');");
  auto f = read_jdbc(source(db, "t"));
  ASSERT_TRUE(f.ok());
  auto c = f->count();
  ASSERT_TRUE(absl::IsInvalidArgument(c.status())) << c.status();
  EXPECT_NE(c.status().message().find("row 2, column n: 'abc' is not a valid bigint"), absl::string_view::npos)
      << c.status();

  auto missing = read_jdbc(source(db, "nope"));
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(absl::IsNotFound(missing->schema().status())) << missing->schema().status();
  auto no_file = read_jdbc(source(dir.file("absent.db"), "t"));
  ASSERT_TRUE(no_file.ok());
  auto st = no_file->count().status();
  EXPECT_TRUE(absl::IsNotFound(st)) << st;
  EXPECT_NE(st.message().find("absent.db"), absl::string_view::npos) << st;

  EXPECT_TRUE(absl::IsInvalidArgument(read_jdbc(source(db, "")).status()));
  auto both = source(db, "t");
  both.hashfield = "id";
  both.hashexpression = "id";
  EXPECT_TRUE(absl::IsInvalidArgument(read_jdbc(both).status()));
  auto relative = source("rel/x.db", "t");
  EXPECT_TRUE(absl::IsInvalidArgument(read_jdbc(relative).status()));
  JdbcSourceOptions mysql;
  mysql.url = "jdbc:mysql://h:3306/db";
  mysql.dbtable = "t";
  EXPECT_TRUE(absl::IsInvalidArgument(read_jdbc(mysql).status()));
}

JdbcSinkOptions sink(const std::string& db, const std::string& table) {
  JdbcSinkOptions o;
  o.url = "jdbc:sqlite:" + db;
  o.dbtable = table;
  return o;
}

TEST(JdbcSqliteSink, CreatesTheTableAndReadsBackTheSameRows) {
  TempDir dir;
  auto frame = json_frame(dir, {"{\"id\": 1, \"name\": \"a\", \"score\": 1.5, \"ok\": true, \"tags\": [1, 2]}\n"
                                "{\"id\": 2, \"name\": null, \"score\": 2.0, \"ok\": false, \"tags\": []}\n"});
  auto typed = frame.apply_mapping({{"id", "long", "id", "long"},
                                    {"name", "string", "name", "string"},
                                    {"score", "double", "score", "decimal(6,2)"},
                                    {"ok", "boolean", "ok", "boolean"},
                                    {"tags", "array", "tags", "array"}});
  ASSERT_TRUE(typed.ok()) << typed.status();
  const std::string db = dir.file("out.db");
  auto w = write_jdbc(*typed, sink(db, "people"));
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->rows, 2);
  EXPECT_TRUE(w->created_table);
  auto back = read_jdbc(source(db, "people"));
  ASSERT_TRUE(back.ok());
  // Arrays have no SQLite type: they are stored as JSON text.
  EXPECT_EQ(schema_of(*back), "struct<id:bigint,name:string,score:decimal(6,2),ok:boolean,tags:string>");
  EXPECT_EQ(lines(*back),
            "{\"id\": 1, \"name\": \"a\", \"score\": 1.50, \"ok\": true, \"tags\": \"[1,2]\"}\n"
            "{\"id\": 2, \"name\": null, \"score\": 2.00, \"ok\": false, \"tags\": \"[]\"}\n");

  // A second write appends; fields match columns case-insensitively.
  auto upper = json_frame(dir, {"{\"ID\": 3}\n"});
  auto again = write_jdbc(upper, sink(db, "people"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created_table);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM people"), 3);
  EXPECT_EQ(scalar(db, "SELECT id FROM people WHERE name IS NULL AND score IS NULL"), 3);
}

TEST(JdbcSqliteSink, AFailingWriteLeavesNothing) {
  TempDir dir;
  const std::string db = dir.file("tx.db");
  exec(db, "CREATE TABLE t (id INTEGER NOT NULL, n INTEGER); INSERT INTO t VALUES (0, 0);");
  // Row 3 has a null id: the NOT NULL constraint fails after two inserts.
  auto frame = json_frame(dir, {"{\"id\": 1}\n{\"id\": 2}\n{\"id\": null}\n{\"id\": 4}\n"});
  auto w = write_jdbc(frame, sink(db, "t"));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("row 3"), absl::string_view::npos) << w.status();
  EXPECT_NE(w.status().message().find("NOT NULL"), absl::string_view::npos) << w.status();
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM t"), 1);

  // A value that does not fit its column names the row and the column.
  auto text = json_frame(dir, {"{\"id\": 5, \"n\": \"7\"}\n{\"id\": 6, \"n\": \"seven\"}\n"});
  auto bad = write_jdbc(text, sink(db, "t"));
  ASSERT_TRUE(absl::IsInvalidArgument(bad.status())) << bad.status();
  EXPECT_NE(bad.status().message().find("row 2, column n: 'seven' does not fit a bigint column"),
            absl::string_view::npos)
      << bad.status();
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM t"), 1);

  // A new table whose source fails midway is not left behind.
  exec(db, "CREATE TABLE src (a INTEGER); INSERT INTO src VALUES (1), (2), ('x');");
  auto failing = read_jdbc(source(db, "src"));
  ASSERT_TRUE(failing.ok());
  auto w2 = write_jdbc(*failing, sink(db, "copy_of_src"));
  ASSERT_FALSE(w2.ok());
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'copy_of_src'"), 0);

  // A field the table lacks is refused up front.
  auto extra = json_frame(dir, {"{\"id\": 9, \"zzz\": 1}\n"});
  auto w3 = write_jdbc(extra, sink(db, "t"));
  EXPECT_TRUE(absl::IsInvalidArgument(w3.status()));
  EXPECT_NE(w3.status().message().find("'zzz' is not a column"), absl::string_view::npos) << w3.status();
}

TEST(JdbcSqliteSink, ChoiceTypesMustBeResolvedFirst) {
  TempDir dir;
  auto frame = json_frame(dir, {"{\"a\": 1}\n", "{\"a\": \"x\"}\n"});
  auto w = write_jdbc(frame, sink(dir.file("c.db"), "t"));
  ASSERT_TRUE(absl::IsInvalidArgument(w.status())) << w.status();
  EXPECT_NE(w.status().message().find("resolve"), absl::string_view::npos) << w.status();
}

}  // namespace
}  // namespace mortar::engine::jdbc
