#include "catalog/expression/filter.h"

#include <gtest/gtest.h>

namespace mortar::catalog::expression {
namespace {

const std::vector<PartitionKey> kKeys = {
    {"year", "int"}, {"region", "string"}, {"day", "date"}, {"ts", "timestamp"},
    {"price", "decimal(10,2)"}, {"code", "varchar(8)"}, {"flag", "boolean"}};

PartitionFilter compile_ok(std::string_view text) {
  auto f = PartitionFilter::compile(text, kKeys);
  EXPECT_TRUE(f.ok()) << text << ": " << f.status();
  return f.ok() ? *f : PartitionFilter();
}

// year, region, day, ts, price, code, flag
std::vector<std::string> row(std::string year, std::string region, std::string day = "2020-05-17",
                             std::string ts = "2020-05-17 10:00:00", std::string price = "9.5",
                             std::string code = "ab") {
  return {year, region, day, ts, price, code, "true"};
}

bool m(std::string_view text, const std::vector<std::string>& values) {
  return compile_ok(text).matches(values);
}

TEST(FilterTest, EmptyMatchesEverything) {
  EXPECT_TRUE(compile_ok("").matches_all());
  EXPECT_TRUE(m("", row("1", "x")));
}

TEST(FilterTest, IntKeysCompareNumerically) {
  EXPECT_TRUE(m("year > 999", row("2020", "eu")));
  EXPECT_FALSE(m("year < 999", row("2020", "eu")));  // as strings "2020" < "999"
  EXPECT_TRUE(m("year = '2020'", row("2020", "eu")));  // a quoted literal takes the key's type
  EXPECT_TRUE(m("year = 2020", row("02020", "eu")));
  EXPECT_TRUE(m("year <> 2021", row("2020", "eu")));
  EXPECT_TRUE(m("year BETWEEN 2019 AND 2020", row("2020", "eu")));
  EXPECT_FALSE(m("year BETWEEN 2021 AND 2019", row("2020", "eu")));
  EXPECT_TRUE(m("year IN (1, 2020, 3)", row("2020", "eu")));
  EXPECT_FALSE(m("year IN (1, 3)", row("2020", "eu")));
}

TEST(FilterTest, StringKeysCompareAsStrings) {
  EXPECT_TRUE(m("region = 'eu'", row("1", "eu")));
  EXPECT_FALSE(m("region = 'EU'", row("1", "eu")));
  EXPECT_TRUE(m("region < 'f'", row("1", "eu")));
  // A number against a string key compares as its text.
  EXPECT_TRUE(m("region = 10", row("1", "10")));
  EXPECT_FALSE(m("region = 10", row("1", "010")));
  EXPECT_TRUE(m("region > 9", row("1", "10")) == false);  // "10" < "9" as strings
  EXPECT_TRUE(m("code = 'ab'", row("1", "x")));         // varchar is a string
}

TEST(FilterTest, DatesTimestampsAndDecimals) {
  EXPECT_TRUE(m("day >= '2020-05-01' AND day < '2020-06-01'", row("1", "x")));
  EXPECT_FALSE(m("day > '2020-05-17'", row("1", "x")));
  EXPECT_TRUE(m("ts > '2020-05-17 09:59:59.999'", row("1", "x")));
  EXPECT_TRUE(m("ts >= '2020-05-17'", row("1", "x")));
  EXPECT_FALSE(m("ts < '2020-05-17'", row("1", "x")));
  EXPECT_TRUE(m("price > 9.25 AND price < 10", row("1", "x")));
  EXPECT_TRUE(m("price = 9.50", row("1", "x")));
}

TEST(FilterTest, TimestampsCompareAtNanoseconds) {
  auto at = [](std::string ts) { return row("1", "x", "2020-05-17", std::move(ts)); };
  const auto half = at("2020-05-17 10:00:59.9999995");  // 999999 µs + 500 ns
  EXPECT_TRUE(m("ts > '2020-05-17 10:00:59.999999499'", half));
  EXPECT_FALSE(m("ts > '2020-05-17 10:00:59.9999995'", half));
  EXPECT_TRUE(m("ts >= '2020-05-17 10:00:59.999999500'", half));
  EXPECT_TRUE(m("ts < '2020-05-17 10:00:59.999999501'", half));
  EXPECT_FALSE(m("ts <= '2020-05-17 10:00:59.999999499'", half));
  EXPECT_TRUE(m("ts = '2020-05-17 10:00:59.99999950'", half));
  EXPECT_FALSE(m("ts = '2020-05-17 10:00:59.999999'", half));
  EXPECT_TRUE(m("ts <> '2020-05-17 10:00:59.999999'", half));
  EXPECT_TRUE(m("ts IN ('2020-05-17 10:00:59.999999', '2020-05-17 10:00:59.9999995')", half));
  EXPECT_FALSE(m("ts IN ('2020-05-17 10:00:59.999999', '2020-05-17 10:00:59.9999996')", half));
  EXPECT_TRUE(m("ts BETWEEN '2020-05-17 10:00:59.9999995' AND '2020-05-17 10:01:00'", half));
  EXPECT_FALSE(m("ts BETWEEN '2020-05-17 10:00:59.999999501' AND '2020-05-17 10:01:00'", half));
}

TEST(FilterTest, Like) {
  EXPECT_TRUE(m("region LIKE 'e%'", row("1", "eu-west")));
  EXPECT_TRUE(m("region LIKE '%west'", row("1", "eu-west")));
  EXPECT_TRUE(m("region LIKE 'eu_west'", row("1", "eu-west")));
  EXPECT_FALSE(m("region LIKE 'eu_west'", row("1", "eu--west")));
  EXPECT_TRUE(m("region LIKE '%-%-%'", row("1", "a-b-c")));
  EXPECT_FALSE(m("region LIKE 'E%'", row("1", "eu")));  // case-sensitive
  EXPECT_TRUE(m("region LIKE '10!%' ESCAPE '!'", row("1", "10%")));
  EXPECT_FALSE(m("region LIKE '10!%' ESCAPE '!'", row("1", "100")));
  EXPECT_TRUE(m("region LIKE '_'", row("1", "\xc3\xa9")));  // one character, two bytes
  EXPECT_TRUE(m("region NOT LIKE 'x%'", row("1", "eu")));
}

TEST(FilterTest, NullsAndMisshapenValues) {
  EXPECT_TRUE(m("region IS NULL", row("1", "__HIVE_DEFAULT_PARTITION__")));
  EXPECT_FALSE(m("region IS NULL", row("1", "eu")));
  EXPECT_TRUE(m("region IS NOT NULL", row("1", "eu")));
  EXPECT_FALSE(m("region = '__HIVE_DEFAULT_PARTITION__'", row("1", "__HIVE_DEFAULT_PARTITION__")));
  EXPECT_FALSE(m("region <> 'eu'", row("1", "__HIVE_DEFAULT_PARTITION__")));
  // A value not shaped as its key's type is NULL.
  EXPECT_TRUE(m("year IS NULL", row("abc", "eu")));
  EXPECT_FALSE(m("year > 0", row("abc", "eu")));
  EXPECT_FALSE(m("year <> 0", row("abc", "eu")));
  EXPECT_TRUE(m("NOT year = 0", row("abc", "eu")));
  EXPECT_TRUE(m("day IS NULL", row("1", "x", "2020-02-30")));
}

TEST(FilterTest, BooleanLogic) {
  auto r = row("2020", "eu");
  EXPECT_TRUE(m("year = 2020 AND region = 'eu'", r));
  EXPECT_FALSE(m("year = 2020 AND region = 'us'", r));
  EXPECT_TRUE(m("year = 2019 OR region = 'eu'", r));
  EXPECT_FALSE(m("NOT (year = 2019 OR region = 'eu')", r));
  EXPECT_TRUE(m("(year = 2019 OR region = 'eu') AND NOT year = 2019", r));
}

TEST(FilterTest, KeyNamesAreCaseInsensitive) {
  EXPECT_TRUE(m("YEAR = 2020 AND `Region` = 'eu'", row("2020", "eu")));
}

std::string compile_error(std::string_view text) {
  auto f = PartitionFilter::compile(text, kKeys);
  EXPECT_FALSE(f.ok()) << text;
  if (f.ok()) return "";
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(f.status().message());
}

TEST(FilterTest, TypeErrorsNameTheKey) {
  EXPECT_EQ(compile_error("month = 5"),
            "Invalid partition expression: 'month' at position 1 is not a partition key of this "
            "table (partition keys: year, region, day, ts, price, code, flag).");
  EXPECT_EQ(compile_error("year = 'abc'"),
            "Invalid partition expression: 'abc' at position 8 is not a number as partition key "
            "'year' of type 'int' needs.");
  EXPECT_EQ(compile_error("day = 20200101"),
            "Invalid partition expression: 20200101 at position 7 is not a date (yyyy-mm-dd) as "
            "partition key 'day' of type 'date' needs.");
  EXPECT_EQ(compile_error("year LIKE '20%'"),
            "Invalid partition expression: LIKE needs a string partition key, but 'year' has type "
            "'int' (position 1).");
  EXPECT_EQ(compile_error("flag = 'true'"),
            "Invalid partition expression: partition key 'flag' has type 'boolean', which "
            "partition filters do not support (position 1).");
  EXPECT_NE(compile_error("ts > '2020-13-01'").find("is not a timestamp"), std::string::npos);
  // Unknown keys are reported even inside a larger expression.
  EXPECT_NE(compile_error("year = 1 OR (region = 'x' AND nope IS NULL)").find("'nope'"),
            std::string::npos);
}

TEST(FilterTest, TableWithoutPartitionKeys) {
  auto f = PartitionFilter::compile("a = 1", {});
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("partition keys: none"), std::string::npos);
}

}  // namespace
}  // namespace mortar::catalog::expression
