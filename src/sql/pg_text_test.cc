// PostgreSQL text formats: COPY rows, value and array literals, and the
// COPY text the sink produces.
#include "sql/pg_text.h"

#include <gtest/gtest.h>

#include "sql/jdbc_url.h"
#include "types/data_type.h"

namespace mortar::sql {
namespace {

using types::Column;
using types::DataType;

TEST(CopyRows, FieldsNullsAndEscapes) {
  std::vector<std::string> f;
  std::vector<bool> nulls;
  split_copy_row("1\t\\N\ta\\tb\\nc\\\\d\t\t\\101\t\\x41", f, nulls);
  ASSERT_EQ(f.size(), 6u);
  EXPECT_EQ(f[0], "1");
  EXPECT_TRUE(nulls[1]);
  EXPECT_EQ(f[2], "a\tb\nc\\d");
  EXPECT_FALSE(nulls[3]);  // an empty string is not NULL
  EXPECT_EQ(f[3], "");
  EXPECT_EQ(f[4], "A");  // octal
  EXPECT_EQ(f[5], "A");  // hex
  split_copy_row("x", f, nulls);  // storage reused, size follows the row
  EXPECT_EQ(f.size(), 1u);
}

TEST(PgValues, ScalarsParseForTheirColumnType) {
  Column i(DataType::int32()), d(DataType::decimal(10, 2)), b(DataType::boolean()),
      ts(DataType::timestamp()), bin(DataType::binary()), dt(DataType::date()), f(DataType::float64());
  ASSERT_TRUE(append_pg_text(i, "-42").ok());
  ASSERT_TRUE(append_pg_text(d, "12.3").ok());
  ASSERT_TRUE(append_pg_text(b, "t").ok());
  ASSERT_TRUE(append_pg_text(ts, "2024-01-02 03:04:05.5+00").ok());
  ASSERT_TRUE(append_pg_text(bin, "\\x00ff").ok());
  ASSERT_TRUE(append_pg_text(dt, "2024-02-29").ok());
  ASSERT_TRUE(append_pg_text(f, "-Infinity").ok());
  EXPECT_EQ(i.debug_string(0), "-42");
  EXPECT_EQ(d.debug_string(0), "12.30");
  EXPECT_EQ(b.debug_string(0), "true");
  EXPECT_EQ(ts.debug_string(0), "2024-01-02 03:04:05.500000");
  EXPECT_EQ(bin.string_at(0), std::string("\x00\xff", 2));
  EXPECT_EQ(dt.debug_string(0), "2024-02-29");
  EXPECT_TRUE(std::isinf(f.value<double>(0)));
}

TEST(PgValues, WhatDoesNotParseIsAnErrorNotACrash) {
  Column i(DataType::int32()), d(DataType::decimal(4, 2)), ts(DataType::timestamp()),
      bin(DataType::binary()), a(DataType::array(DataType::int32()));
  for (const char* bad : {"", "1.5", "x", "99999999999999999999999"})
    EXPECT_TRUE(absl::IsInvalidArgument(append_pg_text(i, bad))) << bad;
  EXPECT_TRUE(absl::IsInvalidArgument(append_pg_text(d, "123.45")));  // needs precision 5
  EXPECT_TRUE(absl::IsInvalidArgument(append_pg_text(d, "NaN")));
  EXPECT_TRUE(absl::IsInvalidArgument(append_pg_text(ts, "infinity")));
  EXPECT_TRUE(absl::IsInvalidArgument(append_pg_text(bin, "\\x0")));
  EXPECT_TRUE(absl::IsInvalidArgument(append_pg_text(bin, "\\xzz")));
  for (const char* bad : {"{1,\"2", "1,2", "{1,x}"})
    EXPECT_FALSE(append_pg_text(a, bad).ok()) << bad;
  const auto st = append_pg_text(i, "abc");
  EXPECT_NE(st.message().find("'abc' is not a valid int"), absl::string_view::npos) << st;
}

TEST(PgValues, ArrayLiterals) {
  Column s(DataType::array(DataType::string()));
  ASSERT_TRUE(append_pg_text(s, R"({"a b",NULL,"c,\"d\"",plain,"NULL",""})").ok());
  EXPECT_EQ(s.debug_string(0), R"(["a b",null,"c,\"d\"","plain","NULL",""])");
  Column n(DataType::array(DataType::int32()));
  ASSERT_TRUE(append_pg_text(n, "{{1,2},{3,4}}").ok());  // flattened, as Glue types it array<int>
  ASSERT_TRUE(append_pg_text(n, "[0:1]={5,6}").ok());    // explicit bounds
  ASSERT_TRUE(append_pg_text(n, "{}").ok());
  EXPECT_EQ(n.debug_string(0), "[1,2,3,4]");
  EXPECT_EQ(n.debug_string(1), "[5,6]");
  EXPECT_EQ(n.debug_string(2), "[]");
}

TEST(CopyFields, SinkEncoding) {
  auto field = [](const Column& c, int64_t row) {
    std::string out;
    append_copy_field(out, c, row);
    return out;
  };
  Column s(DataType::string());
  s.append_string("tab\there\nback\\slash");
  s.append_null();
  EXPECT_EQ(field(s, 0), "tab\\there\\nback\\\\slash");
  EXPECT_EQ(field(s, 1), "\\N");
  Column a(DataType::array(DataType::string()));
  a.child(0).append_string("x y");
  a.child(0).append_null();
  a.child(0).append_string("q\"uote");
  a.append_list_length(3);
  EXPECT_EQ(field(a, 0), "{\"x y\",NULL,\"q\\\\\"uote\"}");
  Column bin(DataType::binary());
  bin.append_string(std::string("\x00\xab", 2));
  EXPECT_EQ(field(bin, 0), "\\\\x00ab");
  Column d(DataType::decimal(6, 2));
  d.append_decimal(-5);
  EXPECT_EQ(field(d, 0), "-0.05");
  // What the sink writes, the source reads back.
  std::vector<std::string> f;
  std::vector<bool> nulls;
  split_copy_row(field(a, 0), f, nulls);
  Column back(DataType::array(DataType::string()));
  ASSERT_TRUE(append_pg_text(back, f[0]).ok());
  EXPECT_EQ(back.debug_string(0), a.debug_string(0));
}

TEST(TableNames, QuotedAndFolded) {
  EXPECT_EQ(*quote_table_name("Sales.Orders", true), "\"sales\".\"orders\"");
  EXPECT_EQ(*quote_table_name("Sales.Orders", false), "\"Sales\".\"Orders\"");
  EXPECT_EQ(*quote_table_name("\"Mixed\".\"a.b\"", true), "\"Mixed\".\"a.b\"");
  EXPECT_EQ(*quote_table_name("\"x\"\"y\"", true), "\"x\"\"y\"");  // "" inside quotes
  EXPECT_EQ(*quote_table_name("t; DROP TABLE x", true), "\"t; drop table x\"");  // one identifier
  EXPECT_FALSE(quote_table_name("", true).ok());
  EXPECT_FALSE(quote_table_name("a..b", true).ok());
  EXPECT_FALSE(quote_table_name("\"open", true).ok());
  EXPECT_FALSE(quote_table_name("a.b.c.d", true).ok());
}

}  // namespace
}  // namespace mortar::sql
