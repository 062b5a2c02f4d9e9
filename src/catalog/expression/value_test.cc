#include "catalog/expression/value.h"

#include <gtest/gtest.h>

namespace mortar::catalog::expression {
namespace {

TEST(ValueTest, ClassifiesKeyTypes) {
  EXPECT_EQ(classify_key_type("string"), KeyClass::kString);
  EXPECT_EQ(classify_key_type("VARCHAR(20)"), KeyClass::kString);
  EXPECT_EQ(classify_key_type("char(2)"), KeyClass::kString);
  EXPECT_EQ(classify_key_type("bigint"), KeyClass::kNumber);
  EXPECT_EQ(classify_key_type("tinyint"), KeyClass::kNumber);
  EXPECT_EQ(classify_key_type("decimal(10,2)"), KeyClass::kNumber);
  EXPECT_EQ(classify_key_type("date"), KeyClass::kDate);
  EXPECT_EQ(classify_key_type("timestamp"), KeyClass::kTimestamp);
  EXPECT_EQ(classify_key_type("boolean"), KeyClass::kUnsupported);
  EXPECT_EQ(classify_key_type("array<int>"), KeyClass::kUnsupported);
}

TEST(ValueTest, Numbers) {
  EXPECT_EQ(std::get<int64_t>(*parse_number("-42")), -42);
  EXPECT_EQ(std::get<int64_t>(*parse_number("007")), 7);
  EXPECT_DOUBLE_EQ(std::get<double>(*parse_number("2.5")), 2.5);
  EXPECT_DOUBLE_EQ(std::get<double>(*parse_number("1e3")), 1000.0);
  EXPECT_TRUE(std::holds_alternative<double>(*parse_number("99999999999999999999")));
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("1a"));
  EXPECT_FALSE(parse_number(" 1"));
  EXPECT_FALSE(parse_number("."));
  EXPECT_FALSE(parse_number("1e"));
  EXPECT_EQ(compare_numbers(int64_t{2}, 2.0), 0);
  EXPECT_EQ(compare_numbers(int64_t{9007199254740993}, int64_t{9007199254740992}), 1);
}

TEST(ValueTest, DatesAndTimestamps) {
  EXPECT_EQ(*parse_date("1970-01-01"), 0);
  EXPECT_EQ(*parse_date("2000-03-01"), 11017);
  EXPECT_EQ(*parse_date("1969-12-31"), -1);
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-1-01"));
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:01")->micros, 1000000);
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.5")->micros, 500000);
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.5")->nanos, 0);
  // Hive timestamps keep nanoseconds: the sub-microsecond part is kept apart.
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00.123456789")->micros, 123456);
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00.123456789")->nanos, 789);
  EXPECT_EQ(parse_timestamp("1970-01-01 00:00:00.0000005")->nanos, 500);
  EXPECT_EQ(parse_timestamp("1969-12-31 23:59:59.999999999")->micros, -1);
  EXPECT_EQ(parse_timestamp("1969-12-31 23:59:59.999999999")->nanos, 999);
  EXPECT_FALSE(parse_timestamp("1970-01-01 24:00:00"));
  EXPECT_FALSE(parse_timestamp("1970-01-01 00:00:00."));
}

TEST(ValueTest, ClassifiesValuesByShape) {
  EXPECT_EQ(classify_value("12").kind, ValueKind::kNumber);
  EXPECT_EQ(classify_value("2020-01-02").kind, ValueKind::kDate);
  EXPECT_EQ(classify_value("2020-01-02 03:04:05").kind, ValueKind::kTimestamp);
  EXPECT_EQ(classify_value("eu-west-1").kind, ValueKind::kText);
  EXPECT_EQ(classify_value("__HIVE_DEFAULT_PARTITION__").kind, ValueKind::kText);
}

}  // namespace
}  // namespace mortar::catalog::expression
