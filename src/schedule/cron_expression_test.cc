// next_after() against hand-computed UTC fire times.
#include "schedule/cron_expression.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace mortar::schedule {
namespace {

using namespace std::chrono;

// Epoch seconds of a UTC civil time.
int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days(year{y} / month{mo} / day{d}).time_since_epoch().count() * 86400 + h * 3600 +
         mi * 60 + s;
}

std::string format(int64_t epoch) {
  const int64_t days_since = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
  const year_month_day ymd{sys_days{days{days_since}}};
  const int64_t rem = epoch - days_since * 86400;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                static_cast<int>(rem % 60));
  return buf;
}

// The next fire as "YYYY-MM-DD HH:MM:SS", or "none".
std::string next(std::string_view expr, int64_t from) {
  auto cron = CronExpression::parse(expr);
  EXPECT_TRUE(cron.ok()) << expr << ": " << cron.status();
  if (!cron.ok()) return "parse error";
  auto t = cron->next_after(from);
  return t ? format(*t) : "none";
}

TEST(CronNextTest, DailyAndStrictlyAfter) {
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc(2024, 1, 1, 9, 59, 30)), "2024-01-01 10:00:00");
  // Exactly at a fire time: the next one, never the same.
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc(2024, 1, 1, 10, 0, 0)), "2024-01-02 10:00:00");
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc(2024, 1, 1, 10, 0, 1)), "2024-01-02 10:00:00");
  // Seconds are dropped: the minute after 10:00:59 is 10:01.
  EXPECT_EQ(next("cron(* * * * ? *)", utc(2024, 1, 1, 10, 0, 59)), "2024-01-01 10:01:00");
}

TEST(CronNextTest, DocumentationExamples) {
  EXPECT_EQ(next("cron(15 12 * * ? *)", utc(2024, 5, 5, 12, 16)), "2024-05-06 12:15:00");
  // 2024-03-08 is a Friday; the next weekday evening is Monday the 11th.
  EXPECT_EQ(next("cron(0 18 ? * MON-FRI *)", utc(2024, 3, 8, 18, 0)), "2024-03-11 18:00:00");
  EXPECT_EQ(next("cron(0 8 1 * ? *)", utc(2024, 1, 31, 9, 0)), "2024-02-01 08:00:00");
  EXPECT_EQ(next("cron(0/15 * * * ? *)", utc(2024, 3, 10, 23, 50)), "2024-03-11 00:00:00");
  EXPECT_EQ(next("cron(0/5 8-17 ? * MON-FRI *)", utc(2024, 3, 8, 17, 54)), "2024-03-08 17:55:00");
  EXPECT_EQ(next("cron(0/5 8-17 ? * MON-FRI *)", utc(2024, 3, 8, 17, 55)), "2024-03-11 08:00:00");
}

TEST(CronNextTest, StepsListsAndRanges) {
  EXPECT_EQ(next("cron(10/15 * * * ? *)", utc(2024, 1, 1, 0, 41)), "2024-01-01 00:55:00");
  EXPECT_EQ(next("cron(10/15 * * * ? *)", utc(2024, 1, 1, 0, 55)), "2024-01-01 01:10:00");
  EXPECT_EQ(next("cron(*/20 * * * ? *)", utc(2024, 1, 1, 0, 41)), "2024-01-01 01:00:00");
  EXPECT_EQ(next("cron(5,35 * * * ? *)", utc(2024, 1, 1, 0, 5)), "2024-01-01 00:35:00");
  EXPECT_EQ(next("cron(10-40/10 3 * * ? *)", utc(2024, 1, 1, 3, 40)), "2024-01-02 03:10:00");
  // A range that wraps past midnight: 22,23,0,1,2.
  EXPECT_EQ(next("cron(0 22-2 * * ? *)", utc(2024, 1, 1, 2, 0)), "2024-01-01 22:00:00");
  EXPECT_EQ(next("cron(0 22-2 * * ? *)", utc(2024, 1, 1, 23, 0)), "2024-01-02 00:00:00");
  // Quarterly by month name with a step: Jan, Apr, Jul, Oct.
  EXPECT_EQ(next("cron(0 0 1 JAN/3 ? *)", utc(2024, 2, 1)), "2024-04-01 00:00:00");
  EXPECT_EQ(next("cron(0 0 1 JAN/3 ? *)", utc(2024, 10, 1)), "2025-01-01 00:00:00");
  EXPECT_EQ(next("cron(0 0 1 JAN,JUL ? *)", utc(2024, 1, 1)), "2024-07-01 00:00:00");
}

TEST(CronNextTest, DayOfWeekNumberingStartsAtSunday) {
  // 2024-01-01 is a Monday; 1 = SUN, 7 = SAT; names are case-insensitive.
  EXPECT_EQ(next("cron(0 12 ? * 1 *)", utc(2024, 1, 1)), "2024-01-07 12:00:00");
  EXPECT_EQ(next("cron(0 12 ? * sun *)", utc(2024, 1, 1)), "2024-01-07 12:00:00");
  EXPECT_EQ(next("cron(0 12 ? * 7 *)", utc(2024, 1, 1)), "2024-01-06 12:00:00");
  EXPECT_EQ(next("cron(0 12 ? * 2 *)", utc(2024, 1, 1, 12, 0)), "2024-01-08 12:00:00");
  // L alone in Day-of-week is the last day of the week: Saturday.
  EXPECT_EQ(next("cron(0 0 ? * L *)", utc(2024, 1, 1)), "2024-01-06 00:00:00");
  // A wrapping weekday range FRI-MON = FRI,SAT,SUN,MON; 2024-01-02 is a Tuesday.
  EXPECT_EQ(next("cron(0 0 ? * FRI-MON *)", utc(2024, 1, 2)), "2024-01-05 00:00:00");
}

TEST(CronNextTest, YearBoundaries) {
  EXPECT_EQ(next("cron(15 12 * * ? *)", utc(2023, 12, 31, 12, 15)), "2024-01-01 12:15:00");
  EXPECT_EQ(next("cron(0 0 1 1 ? *)", utc(2024, 12, 31, 23, 59, 59)), "2025-01-01 00:00:00");
  EXPECT_EQ(next("cron(30 23 31 12 ? *)", utc(2024, 12, 31, 23, 30)), "2025-12-31 23:30:00");
  EXPECT_EQ(next("cron(59 23 * * ? *)", utc(2024, 12, 31, 23, 59)), "2025-01-01 23:59:00");
  EXPECT_EQ(next("cron(0 0 ? * MON *)", utc(2024, 12, 31)), "2025-01-06 00:00:00");
}

TEST(CronNextTest, LeapYears) {
  EXPECT_EQ(next("cron(0 0 29 2 ? *)", utc(2023, 1, 1)), "2024-02-29 00:00:00");
  EXPECT_EQ(next("cron(0 0 29 2 ? *)", utc(2024, 3, 1)), "2028-02-29 00:00:00");
  // 2100 is not a leap year: Feb 29 after 2096 is in 2104.
  EXPECT_EQ(next("cron(0 0 29 2 ? *)", utc(2096, 3, 1)), "2104-02-29 00:00:00");
  // The fifth Monday of February exists only in a leap year whose Feb 1 is a
  // Monday: 2016, then 2044.
  EXPECT_EQ(next("cron(0 0 ? 2 2#5 *)", utc(2016, 3, 1)), "2044-02-29 00:00:00");
  // Dates that never exist.
  EXPECT_EQ(next("cron(0 0 31 2 ? *)", utc(2024, 1, 1)), "none");
  EXPECT_EQ(next("cron(0 0 30 FEB ? *)", utc(2024, 1, 1)), "none");
  EXPECT_EQ(next("cron(0 0 31 APR,JUN,SEP,NOV ? *)", utc(2024, 1, 1)), "none");
}

TEST(CronNextTest, LastDayOfMonth) {
  EXPECT_EQ(next("cron(0 0 L * ? *)", utc(2023, 2, 1)), "2023-02-28 00:00:00");
  EXPECT_EQ(next("cron(0 0 L * ? *)", utc(2024, 2, 1)), "2024-02-29 00:00:00");
  EXPECT_EQ(next("cron(0 0 L * ? *)", utc(2024, 4, 30)), "2024-05-31 00:00:00");
  EXPECT_EQ(next("cron(0 0 L * ? *)", utc(2024, 12, 31)), "2025-01-31 00:00:00");
  // 31 only fires in long months.
  EXPECT_EQ(next("cron(0 0 31 * ? *)", utc(2024, 4, 1)), "2024-05-31 00:00:00");
}

TEST(CronNextTest, LastWeekdayOfMonth) {
  // 2024-03-31 is a Sunday -> Friday the 29th.
  EXPECT_EQ(next("cron(0 9 LW * ? *)", utc(2024, 3, 1)), "2024-03-29 09:00:00");
  // 2024-08-31 is a Saturday -> Friday the 30th.
  EXPECT_EQ(next("cron(0 9 LW * ? *)", utc(2024, 8, 1)), "2024-08-30 09:00:00");
  // 2024-12-31 is a Tuesday.
  EXPECT_EQ(next("cron(0 9 LW * ? *)", utc(2024, 12, 1)), "2024-12-31 09:00:00");
  // After November's (the 29th, a Friday), December's.
  EXPECT_EQ(next("cron(0 9 LW * ? *)", utc(2024, 11, 29, 9, 0)), "2024-12-31 09:00:00");
}

TEST(CronNextTest, NearestWeekday) {
  // 2024-06-15 is a Saturday -> Friday the 14th.
  EXPECT_EQ(next("cron(0 9 15W * ? *)", utc(2024, 6, 1)), "2024-06-14 09:00:00");
  // 2024-09-15 is a Sunday -> Monday the 16th.
  EXPECT_EQ(next("cron(0 9 15W * ? *)", utc(2024, 9, 1)), "2024-09-16 09:00:00");
  // 2024-05-15 is a Wednesday.
  EXPECT_EQ(next("cron(0 9 15W * ? *)", utc(2024, 5, 1)), "2024-05-15 09:00:00");
  // Never across a month boundary: 2024-06-01 is a Saturday -> Monday the 3rd,
  // not Friday May 31; 2024-09-01 is a Sunday -> Monday the 2nd.
  EXPECT_EQ(next("cron(0 9 1W * ? *)", utc(2024, 5, 31, 10, 0)), "2024-06-03 09:00:00");
  EXPECT_EQ(next("cron(0 9 1W * ? *)", utc(2024, 8, 31)), "2024-09-02 09:00:00");
  // 2024-03-31 is a Sunday -> Friday the 29th, not Monday April 1.
  EXPECT_EQ(next("cron(0 9 31W * ? *)", utc(2024, 3, 1)), "2024-03-29 09:00:00");
  // 30W has no February; 2024-03-30 is a Saturday -> Friday the 29th.
  EXPECT_EQ(next("cron(0 0 30W * ? *)", utc(2024, 2, 1)), "2024-03-29 00:00:00");
}

TEST(CronNextTest, LastAndNthWeekdayOfMonth) {
  // Fridays in January 2024: 5, 12, 19, 26; February: 2, 9, 16, 23.
  EXPECT_EQ(next("cron(0 0 ? * 6L *)", utc(2024, 1, 1)), "2024-01-26 00:00:00");
  EXPECT_EQ(next("cron(0 0 ? * FRIL *)", utc(2024, 1, 26)), "2024-02-23 00:00:00");
  // The last Saturday of August 2024 is the 31st (month end).
  EXPECT_EQ(next("cron(0 0 ? * 7L *)", utc(2024, 8, 1)), "2024-08-31 00:00:00");
  // Second Tuesday: January 2024 Tuesdays are 2, 9.
  EXPECT_EQ(next("cron(0 0 ? * 3#2 *)", utc(2024, 1, 1)), "2024-01-09 00:00:00");
  EXPECT_EQ(next("cron(0 0 ? * TUE#2 *)", utc(2024, 1, 9)), "2024-02-13 00:00:00");
  // First Monday of February 2024 (Feb 1 is a Thursday).
  EXPECT_EQ(next("cron(0 0 ? * 2#1 *)", utc(2024, 1, 31)), "2024-02-05 00:00:00");
  // Fifth Friday: January and February 2024 have four; March has the 29th.
  EXPECT_EQ(next("cron(0 0 ? * 6#5 *)", utc(2024, 1, 1)), "2024-03-29 00:00:00");
}

TEST(CronNextTest, YearField) {
  EXPECT_EQ(next("cron(0 0 1 1 ? 2030)", utc(2024, 6, 1)), "2030-01-01 00:00:00");
  EXPECT_EQ(next("cron(0 0 1 1 ? 2030)", utc(2030, 1, 1)), "none");
  EXPECT_EQ(next("cron(0 0 * * ? 2020)", utc(2024, 1, 1)), "none");
  EXPECT_EQ(next("cron(0 0 1 1 ? 2026-2028,2199)", utc(2028, 6, 1)), "2199-01-01 00:00:00");
  EXPECT_EQ(next("cron(0 0 1 1 ? 2020/5)", utc(2024, 6, 1)), "2025-01-01 00:00:00");
  EXPECT_EQ(next("cron(59 23 31 12 ? *)", utc(2199, 12, 31, 23, 59)), "none");
  EXPECT_EQ(next("cron(* * * * ? *)", utc(2300, 1, 1)), "none");
}

TEST(CronNextTest, BeforeNineteenSeventy) {
  EXPECT_EQ(next("cron(0 0 1 1 ? *)", -1000), "1970-01-01 00:00:00");
  EXPECT_EQ(next("cron(0 0 1 1 ? *)", -1), "1970-01-01 00:00:00");
  EXPECT_EQ(next("cron(0 0 1 1 ? *)", 0), "1971-01-01 00:00:00");
}

TEST(CronNextTest, SuccessiveFiresAreIncreasing) {
  auto cron = CronExpression::parse("cron(0/5 8-17 ? * MON-FRI *)");
  ASSERT_TRUE(cron.ok());
  int64_t t = utc(2024, 3, 8, 17, 50);
  std::vector<std::string> got;
  for (int i = 0; i < 4; ++i) {
    t = *cron->next_after(t);
    got.push_back(format(t));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"2024-03-08 17:55:00", "2024-03-11 08:00:00",
                                           "2024-03-11 08:05:00", "2024-03-11 08:10:00"}));
}

TEST(CronNextTest, SearchesToTheLastYearQuickly) {
  // Only years far away, or no match at all until the end of the range: each
  // call must skip by field. 10k calls would take minutes minute by minute.
  auto far = CronExpression::parse("cron(0 0 1 1 ? 2199)");
  auto never = CronExpression::parse("cron(0 0 29 2 ? 2101-2103)");
  auto rare = CronExpression::parse("cron(0 0 ? 2 2#5 *)");
  ASSERT_TRUE(far.ok() && never.ok() && rare.ok());
  const auto start = steady_clock::now();
  for (int i = 0; i < 10000; ++i) {
    int64_t from = utc(2024, 1, 1) + i * 3600;
    ASSERT_EQ(far->next_after(from), utc(2199, 1, 1));
    ASSERT_EQ(never->next_after(from), std::nullopt);
    ASSERT_TRUE(rare->next_after(from).has_value());
  }
  EXPECT_LT(duration_cast<milliseconds>(steady_clock::now() - start).count(), 20000);
}

}  // namespace
}  // namespace mortar::schedule
