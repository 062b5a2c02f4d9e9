// parse_glue_schedule(): what CreateTrigger/CreateCrawler accept as Schedule.
#include "schedule/glue_schedule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mortar::schedule {
namespace {

using ::testing::HasSubstr;

TEST(GlueScheduleTest, AcceptsFiveMinutesAndSlower) {
  for (const char* s :
       {"cron(15 12 * * ? *)", "cron(0/5 * * * ? *)", "cron(0/5 8-17 ? * MON-FRI *)",
        "cron(0,30 * * * ? *)", "cron(0 * * * ? *)", "cron(55 23,0 * * ? *)"}) {
    auto cron = parse_glue_schedule(s);
    EXPECT_TRUE(cron.ok()) << s << ": " << cron.status();
  }
}

TEST(GlueScheduleTest, RejectsFasterThanFiveMinutes) {
  for (const char* s : {"cron(* * * * ? *)", "cron(0/2 * * * ? *)", "cron(0,4 * * * ? *)",
                        // 58 and 2 are four minutes apart across the hour.
                        "cron(2,58 * * * ? *)",
                        // 23:59 and 00:01 are two minutes apart across midnight.
                        "cron(1,59 0,23 * * ? *)"}) {
    auto cron = parse_glue_schedule(s);
    ASSERT_FALSE(cron.ok()) << s;
    EXPECT_EQ(cron.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(status_message(cron.status())),
                HasSubstr("minimum interval is 5 minutes"))
        << s;
  }
  EXPECT_TRUE(parse_glue_schedule("cron(* * * * ? *)", {.enforce_min_interval = false}).ok());
}

TEST(GlueScheduleTest, RejectsRateAndBadCron) {
  auto rate = parse_glue_schedule("rate(1 hour)");
  ASSERT_FALSE(rate.ok());
  EXPECT_THAT(std::string(status_message(rate.status())),
              HasSubstr("rate() expressions are not supported"));
  auto both = parse_glue_schedule("cron(0 12 * * * *)");
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GlueScheduleTest, ShortestGap) {
  EXPECT_EQ(CronExpression::parse("cron(0 12 * * ? *)")->shortest_gap_minutes(), 1440);
  EXPECT_EQ(CronExpression::parse("cron(0 0/6 * * ? *)")->shortest_gap_minutes(), 360);
  EXPECT_EQ(CronExpression::parse("cron(10/15 * * * ? *)")->shortest_gap_minutes(), 15);
  EXPECT_EQ(CronExpression::parse("cron(* * * * ? *)")->shortest_gap_minutes(), 1);
}

}  // namespace
}  // namespace mortar::schedule
