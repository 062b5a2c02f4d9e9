#include "server/log_rate_limiter.h"

#include <gtest/gtest.h>

namespace mortar::server {
namespace {

TEST(LogRateLimiterTest, LetsABurstThroughPerWindowAndCountsTheRest) {
  FakeClock clock;
  LogRateLimiter limiter(3, 60, clock);
  int64_t suppressed = -1;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(limiter.allow(&suppressed)) << i;
    EXPECT_EQ(suppressed, 0);
  }
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.allow(&suppressed)) << i;

  clock.advance(59LL * 1000000);  // still the same window
  EXPECT_FALSE(limiter.allow(&suppressed));

  clock.advance(1LL * 1000000);  // a new window: the first line reports the 6 held back
  ASSERT_TRUE(limiter.allow(&suppressed));
  EXPECT_EQ(suppressed, 6);
  ASSERT_TRUE(limiter.allow(&suppressed));
  EXPECT_EQ(suppressed, 0);
  EXPECT_EQ(limiter.take_suppressed(), 0);
}

TEST(LogRateLimiterTest, TakeSuppressedReportsTheUnreportedCountOnce) {
  FakeClock clock;
  LogRateLimiter limiter(1, 60, clock);
  int64_t suppressed = 0;
  ASSERT_TRUE(limiter.allow(&suppressed));
  EXPECT_FALSE(limiter.allow(&suppressed));
  EXPECT_FALSE(limiter.allow(&suppressed));
  EXPECT_EQ(limiter.take_suppressed(), 2);
  EXPECT_EQ(limiter.take_suppressed(), 0);
  clock.advance(60LL * 1000000);
  ASSERT_TRUE(limiter.allow(&suppressed));
  EXPECT_EQ(suppressed, 0);  // already reported
}

}  // namespace
}  // namespace mortar::server
