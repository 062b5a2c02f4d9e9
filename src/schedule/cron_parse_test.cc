// CronExpression::parse(): canonical text and precise errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "schedule/cron_expression.h"

namespace mortar::schedule {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The error message for `expr`, which must not parse.
std::string parse_error(std::string_view expr) {
  auto cron = CronExpression::parse(expr);
  EXPECT_FALSE(cron.ok()) << expr << " parsed as " << (cron.ok() ? cron->to_string() : "");
  if (cron.ok()) return "";
  EXPECT_EQ(cron.status().code(), absl::StatusCode::kInvalidArgument) << expr;
  return std::string(status_message(cron.status()));
}

TEST(CronParseTest, CanonicalText) {
  auto cron = CronExpression::parse("  cron(0   18 ?\t* mon-fri  *)  ");
  ASSERT_TRUE(cron.ok()) << cron.status();
  EXPECT_EQ(cron->to_string(), "cron(0 18 ? * MON-FRI *)");
  auto again = CronExpression::parse(cron->to_string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->to_string(), cron->to_string());
  EXPECT_EQ(again->next_after(1700000000), cron->next_after(1700000000));
}

TEST(CronParseTest, AcceptsEveryDocumentedForm) {
  for (const char* expr :
       {"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)",
        "cron(0/5 8-17 ? * MON-FRI *)", "cron(*/5 * * * ? *)",
        "cron(1,2,3 0-23/4 1-15 JAN-MAR ? 1970-2199)", "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)",
        "cron(0 0 15W * ? *)", "cron(0 0 ? * 6L *)", "cron(0 0 ? * 3#2 *)", "cron(0 0 ? * L *)",
        "cron(0 0 ? * SUN,SAT *)", "cron(0 0 * DEC ? 2199)", "CRON(0 0 * * ? *)"}) {
    EXPECT_TRUE(CronExpression::parse(expr).ok())
        << expr << ": " << CronExpression::parse(expr).status();
  }
}

TEST(CronParseTest, BothDayFieldsGiven) {
  EXPECT_THAT(
      parse_error("cron(0 12 * * * *)"),
      AllOf(HasSubstr("cron(0 12 * * * *)"), HasSubstr("Day-of-month"), HasSubstr("Day-of-week"),
            HasSubstr("cannot both be specified"), HasSubstr("'?'")));
  EXPECT_THAT(parse_error("cron(0 12 1 * MON *)"), HasSubstr("cannot both be specified"));
  EXPECT_THAT(parse_error("cron(0 12 ? * ? *)"), HasSubstr("cannot both be '?'"));
  EXPECT_THAT(parse_error("cron(0 12 ? * MON,? *)"),
              AllOf(HasSubstr("Day-of-week"), HasSubstr("whole field")));
}

TEST(CronParseTest, WrongShape) {
  EXPECT_THAT(parse_error("cron(0 12 * * ?)"),
              AllOf(HasSubstr("expected 6 fields"), HasSubstr("found 5")));
  EXPECT_THAT(parse_error("cron(0 0 12 * * ? *)"), HasSubstr("found 7"));
  EXPECT_THAT(parse_error("cron()"), HasSubstr("found 0"));
  EXPECT_THAT(parse_error("0 12 * * ? *"), HasSubstr("expected cron(Minutes Hours"));
  EXPECT_THAT(parse_error(""), HasSubstr("expected cron("));
  EXPECT_THAT(parse_error("cron(0 12 * * ? *"), HasSubstr("closing ')'"));
  EXPECT_THAT(parse_error("cron(0 12 * * ? *) x"), HasSubstr("closing ')'"));
  EXPECT_THAT(parse_error("cron(0 12 (* * ? *)"), HasSubstr("parenthesis"));
  EXPECT_THAT(parse_error("rate(5 minutes)"),
              AllOf(HasSubstr("rate()"), HasSubstr("not supported")));
  EXPECT_THAT(parse_error("cron(" + std::string(300, '1') + ")"), HasSubstr("longer than 256"));
}

TEST(CronParseTest, OutOfRangeValuesNameTheField) {
  EXPECT_THAT(parse_error("cron(60 * * * ? *)"),
              AllOf(HasSubstr("Minutes field \"60\""), HasSubstr("0-59")));
  EXPECT_THAT(parse_error("cron(0 24 * * ? *)"),
              AllOf(HasSubstr("Hours field"), HasSubstr("0-23")));
  EXPECT_THAT(parse_error("cron(0 0 0 * ? *)"),
              AllOf(HasSubstr("Day-of-month field"), HasSubstr("1-31")));
  EXPECT_THAT(parse_error("cron(0 0 32 * ? *)"), HasSubstr("Day-of-month field"));
  EXPECT_THAT(parse_error("cron(0 0 1 13 ? *)"),
              AllOf(HasSubstr("Month field"), HasSubstr("1-12 or JAN-DEC")));
  EXPECT_THAT(parse_error("cron(0 0 ? * 8 *)"),
              AllOf(HasSubstr("Day-of-week field"), HasSubstr("1-7 or SUN-SAT")));
  EXPECT_THAT(parse_error("cron(0 0 ? * 0 *)"), HasSubstr("Day-of-week field"));
  EXPECT_THAT(parse_error("cron(0 0 * * ? 1969)"),
              AllOf(HasSubstr("Year field"), HasSubstr("1970-2199")));
  EXPECT_THAT(parse_error("cron(0 0 * * ? 2200)"), HasSubstr("Year field"));
  EXPECT_THAT(parse_error("cron(0 0 * * ? 99999999999)"), HasSubstr("Year field"));
  EXPECT_THAT(parse_error("cron(-1 * * * ? *)"),
              AllOf(HasSubstr("Minutes field"), HasSubstr("missing a value")));
}

TEST(CronParseTest, BadTokens) {
  EXPECT_THAT(parse_error("cron(0 0 1 JANUARY ? *)"),
              AllOf(HasSubstr("Month field"), HasSubstr("\"JANUARY\"")));
  EXPECT_THAT(parse_error("cron(0 0 ? * MONDAY *)"), HasSubstr("Day-of-week field"));
  // Names only where the field has them.
  EXPECT_THAT(parse_error("cron(0 0 ? MON * *)"), HasSubstr("Month field"));
  EXPECT_THAT(parse_error("cron(a b c d e f)"), HasSubstr("Minutes field \"A\""));
  EXPECT_THAT(parse_error("cron(1,,2 * * * ? *)"), HasSubstr("empty list item"));
  EXPECT_THAT(parse_error("cron(1-2-3 * * * ? *)"), HasSubstr("more than one '-'"));
  EXPECT_THAT(parse_error("cron(1/2/3 * * * ? *)"), HasSubstr("more than one '/'"));
  EXPECT_THAT(parse_error("cron(0 0 * * ? 2030-2020)"),
              HasSubstr("range start 2030 is after its end 2020"));
  EXPECT_THAT(parse_error("cron(\xff\xfe * * * ? *)"), HasSubstr("Minutes field"));
}

TEST(CronParseTest, BadIncrements) {
  EXPECT_THAT(parse_error("cron(*/0 * * * ? *)"),
              AllOf(HasSubstr("increment 0"), HasSubstr("between 1 and 59")));
  EXPECT_THAT(parse_error("cron(*/60 * * * ? *)"), HasSubstr("increment 60"));
  EXPECT_THAT(parse_error("cron(0 0/24 * * ? *)"), HasSubstr("Hours field"));
  EXPECT_THAT(parse_error("cron(0/x * * * ? *)"), HasSubstr("must be a number"));
  EXPECT_THAT(parse_error("cron(0/ * * * ? *)"), HasSubstr("must be a number"));
}

TEST(CronParseTest, SpecialCharactersOnlyWhereAllowed) {
  EXPECT_THAT(parse_error("cron(0 L * * ? *)"),
              AllOf(HasSubstr("Hours field"), HasSubstr("'L' is not allowed")));
  EXPECT_THAT(parse_error("cron(0 0 * L ? *)"), HasSubstr("Month field"));
  EXPECT_THAT(parse_error("cron(? 0 * * ? *)"), HasSubstr("Minutes field"));
  EXPECT_THAT(parse_error("cron(0 0 1#2 * ? *)"), HasSubstr("Day-of-month field"));
  EXPECT_THAT(parse_error("cron(0 0 L-3 * ? *)"),
              AllOf(HasSubstr("Day-of-month"), HasSubstr("'L' must be used alone")));
  EXPECT_THAT(parse_error("cron(0 0 1,L * ? *)"), HasSubstr("'L' must be used alone"));
  EXPECT_THAT(parse_error("cron(0 0 1,15W * ? *)"),
              HasSubstr("'W' must follow a single day number"));
  EXPECT_THAT(parse_error("cron(0 0 W * ? *)"), HasSubstr("'W'"));
  EXPECT_THAT(parse_error("cron(0 0 32W * ? *)"), HasSubstr("out of range"));
  EXPECT_THAT(parse_error("cron(0 0 ? * 2W *)"), HasSubstr("Day-of-week field"));
  EXPECT_THAT(parse_error("cron(0 0 ? * MON#6 *)"), HasSubstr("from 1 to 5"));
  EXPECT_THAT(parse_error("cron(0 0 ? * MON#0 *)"), HasSubstr("from 1 to 5"));
  EXPECT_THAT(parse_error("cron(0 0 ? * 3#1,6#3 *)"), HasSubstr("only one expression"));
  EXPECT_THAT(parse_error("cron(0 0 ? * 8#1 *)"), HasSubstr("out of range"));
  EXPECT_THAT(parse_error("cron(0 0 ? * 2-6L *)"), HasSubstr("'L' must follow a single weekday"));
}

}  // namespace
}  // namespace mortar::schedule
