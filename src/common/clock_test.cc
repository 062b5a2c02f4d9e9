#include "common/clock.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

namespace mortar {
namespace {

TEST(FakeClockTimers, FireOnlyWhenTimeReachesThemInDueOrder) {
  FakeClock clock(1000);
  std::vector<int> fired;
  clock.call_at(3000, [&] { fired.push_back(3); });
  clock.call_at(2000, [&] { fired.push_back(2); });
  clock.advance(500);
  EXPECT_TRUE(fired.empty());
  clock.advance(2000);
  EXPECT_EQ(fired, (std::vector<int>{2, 3}));
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST(FakeClockTimers, CancelledTimerNeverFires) {
  FakeClock clock(0);
  bool fired = false;
  TimerId id = clock.call_at(10, [&] { fired = true; });
  EXPECT_TRUE(clock.cancel(id));
  EXPECT_FALSE(clock.cancel(id));
  clock.advance(100);
  EXPECT_FALSE(fired);
}

TEST(FakeClockTimers, CallbackMayAddATimerThatIsAlreadyDue) {
  FakeClock clock(0);
  int count = 0;
  clock.call_at(5, [&] {
    ++count;
    clock.call_at(5, [&] { ++count; });
  });
  clock.advance(5);
  EXPECT_EQ(count, 2);
}

TEST(RealClockTimers, FiresAndCancels) {
  RealClock clock;
  std::mutex mu;
  std::condition_variable cv;
  bool fired = false;
  bool cancelled_fired = false;
  TimerId never =
      clock.call_at(clock.now_micros() + 3'600'000'000LL, [&] { cancelled_fired = true; });
  clock.call_at(clock.now_micros() + 1000, [&] {
    std::lock_guard<std::mutex> lock(mu);
    fired = true;
    cv.notify_all();
  });
  EXPECT_TRUE(clock.cancel(never));
  std::unique_lock<std::mutex> lock(mu);
  // A generous deadline: the timer is due in a millisecond.
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return fired; }));
  EXPECT_FALSE(cancelled_fired);
}

}  // namespace
}  // namespace mortar
