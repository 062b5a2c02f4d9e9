#include "sql/jdbc_types.h"

#include <gtest/gtest.h>

namespace mortar::sql {
namespace {

std::string pg(const char* t) { return postgres_type_to_glue(t)->to_string(); }
std::string lite(const char* t) { return sqlite_type_to_glue(t)->to_string(); }

TEST(PostgresTypes, NumericTypes) {
  EXPECT_EQ(pg("smallint"), "smallint");
  EXPECT_EQ(pg("integer"), "int");
  EXPECT_EQ(pg("bigint"), "bigint");
  EXPECT_EQ(pg("real"), "float");
  EXPECT_EQ(pg("double precision"), "double");
  EXPECT_EQ(pg("numeric(10,2)"), "decimal(10,2)");
  EXPECT_EQ(pg("numeric(7)"), "decimal(7,0)");
  EXPECT_EQ(pg("numeric"), "decimal(38,18)");
  EXPECT_EQ(pg("numeric(50,4)"), "string");  // does not fit a Glue decimal
}

TEST(PostgresTypes, TextTemporalBinary) {
  EXPECT_EQ(pg("character varying(20)"), "string");
  EXPECT_EQ(pg("character(3)"), "string");
  EXPECT_EQ(pg("text"), "string");
  EXPECT_EQ(pg("boolean"), "boolean");
  EXPECT_EQ(pg("date"), "date");
  EXPECT_EQ(pg("timestamp without time zone"), "timestamp");
  EXPECT_EQ(pg("timestamp(3) with time zone"), "timestamp");
  EXPECT_EQ(pg("time without time zone"), "string");
  EXPECT_EQ(pg("bytea"), "binary");
  EXPECT_EQ(pg("bit(1)"), "boolean");
  EXPECT_EQ(pg("bit(8)"), "binary");
  EXPECT_EQ(pg("json"), "string");
  EXPECT_EQ(pg("jsonb"), "string");
  EXPECT_EQ(pg("uuid"), "string");
  EXPECT_EQ(pg("mood"), "string");  // an enum
}

TEST(PostgresTypes, Arrays) {
  EXPECT_EQ(pg("integer[]"), "array<int>");
  EXPECT_EQ(pg("character varying(10)[]"), "array<string>");
  EXPECT_EQ(pg("numeric(5,1)[]"), "array<decimal(5,1)>");
}

TEST(SqliteTypes, GlueNamedTypesFirst) {
  EXPECT_EQ(lite("BOOLEAN"), "boolean");
  EXPECT_EQ(lite("date"), "date");
  EXPECT_EQ(lite("DATETIME"), "timestamp");
  EXPECT_EQ(lite("TIMESTAMP"), "timestamp");
  EXPECT_EQ(lite("DECIMAL(10,2)"), "decimal(10,2)");
  EXPECT_EQ(lite("NUMERIC(12, 3)"), "decimal(12,3)");
  EXPECT_EQ(lite("NUMERIC"), "double");
}

TEST(SqliteTypes, AffinityRules) {
  EXPECT_EQ(lite("INTEGER"), "bigint");
  EXPECT_EQ(lite("tinyint"), "bigint");
  EXPECT_EQ(lite("UNSIGNED BIG INT"), "bigint");
  EXPECT_EQ(lite("VARCHAR(255)"), "string");
  EXPECT_EQ(lite("NATIVE CHARACTER(70)"), "string");
  EXPECT_EQ(lite("CLOB"), "string");
  EXPECT_EQ(lite("TEXT"), "string");
  EXPECT_EQ(lite("BLOB"), "binary");
  EXPECT_EQ(lite("REAL"), "double");
  EXPECT_EQ(lite("DOUBLE PRECISION"), "double");
  EXPECT_EQ(lite("FLOAT"), "double");
  EXPECT_EQ(lite("FLOATING POINT"), "bigint");  // contains INT: SQLite's own rule 1 wins
  EXPECT_EQ(lite("MONEY"), "double");           // NUMERIC affinity
  EXPECT_EQ(lite(""), "string");                // no declared type holds anything
}

}  // namespace
}  // namespace mortar::sql
