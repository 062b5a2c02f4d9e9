// Scheduler on a FakeClock: fire-once semantics, replace/remove, overlap,
// the background thread and stop() promptness. Nothing here sleeps; waits
// are on conditions with generous timeouts that only matter when broken.
#include "schedule/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace mortar::schedule {
namespace {

constexpr int64_t kSecond = 1'000'000;
// 2024-01-01 00:00:00 UTC, a Monday.
constexpr int64_t kJan1 = 1704067200;

CronExpression cron(std::string_view text) {
  auto c = CronExpression::parse(text);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

// A one-shot gate callbacks block on, and a recorder of fire events.
class Gate {
 public:
  void open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

class Recorder {
 public:
  ScheduleCallback callback() {
    return [this](const FireEvent& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    };
  }
  std::vector<FireEvent> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  // Waits (bounded) until at least n events were recorded.
  bool wait_for(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return events_.size() >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<FireEvent> events_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  FakeClock clock_{(kJan1 + 30) * kSecond};  // 00:00:30
};

TEST_F(SchedulerTest, FirstFireIsAfterRegistration) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("c1", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  EXPECT_EQ(scheduler.next_fire("c1"), kJan1 + 300);  // 00:00 already passed
  EXPECT_EQ(scheduler.earliest_fire(), kJan1 + 300);
  EXPECT_EQ(scheduler.next_fire("nope"), std::nullopt);
  EXPECT_EQ(scheduler.run_due(kJan1 + 299), 0);
  scheduler.wait_idle();
  EXPECT_TRUE(rec.events().empty());
}

TEST_F(SchedulerTest, FiresOncePerDueTime) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("c1", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 0);
  EXPECT_EQ(scheduler.run_due(kJan1 + 301), 0);
  scheduler.wait_idle();
  ASSERT_EQ(rec.events().size(), 1u);
  EXPECT_EQ(rec.events()[0].id, "c1");
  EXPECT_EQ(rec.events()[0].scheduled_time, kJan1 + 300);
  EXPECT_EQ(rec.events()[0].fired_at, kJan1 + 300);
  EXPECT_EQ(scheduler.next_fire("c1"), kJan1 + 600);
  EXPECT_EQ(scheduler.run_due(kJan1 + 600), 1);
  scheduler.wait_idle();
  EXPECT_EQ(rec.events().size(), 2u);
  EXPECT_EQ(scheduler.stats().fired, 2);
}

TEST_F(SchedulerTest, MissedFiresCollapseIntoOneCatchUp) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("c1", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  // An hour passes unnoticed (process stalled): twelve times were due.
  EXPECT_EQ(scheduler.run_due(kJan1 + 3600 + 10), 1);
  scheduler.wait_idle();
  ASSERT_EQ(rec.events().size(), 1u);
  EXPECT_EQ(rec.events()[0].scheduled_time, kJan1 + 300);  // the first missed time
  EXPECT_EQ(scheduler.next_fire("c1"), kJan1 + 3900);      // then after now
}

TEST_F(SchedulerTest, CatchUpFiresTheLatestTimeInTheWindowOnce) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("crawler/a", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  ASSERT_TRUE(scheduler.add("crawler/b", cron("cron(0 * * * ? *)"), rec.callback()).ok());
  ASSERT_TRUE(scheduler.add("trigger/t", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  // Leadership arrives at 01:02:10 after the entries sat idle since 00:00:30:
  // a 10-minute window holds 00:55 and 01:00 for "a", 01:00 for "b".
  const int64_t now = kJan1 + 3730;
  auto crawlers = [](const std::string& id) { return id.rfind("crawler/", 0) == 0; };
  EXPECT_EQ(scheduler.catch_up(now, 600, crawlers), 2);
  EXPECT_EQ(scheduler.next_fire("crawler/a"), kJan1 + 3600);
  EXPECT_EQ(scheduler.next_fire("crawler/b"), kJan1 + 3600);
  EXPECT_EQ(scheduler.next_fire("trigger/t"), kJan1 + 300);  // not eligible: untouched
  EXPECT_EQ(scheduler.run_due(now), 3);
  scheduler.wait_idle();
  std::map<std::string, int64_t> fired;
  for (const auto& e : rec.events()) fired[e.id] = e.scheduled_time;
  EXPECT_EQ(fired["crawler/a"], kJan1 + 3600);  // the latest, once
  EXPECT_EQ(fired["crawler/b"], kJan1 + 3600);
  EXPECT_EQ(scheduler.next_fire("crawler/a"), kJan1 + 3900);
  EXPECT_EQ(scheduler.run_due(now), 0);
}

TEST_F(SchedulerTest, CatchUpDoesNotBackfillPastTheWindow) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("daily", cron("cron(0 2 * * ? *)"), rec.callback()).ok());
  auto all = [](const std::string&) { return true; };
  // 02:00 was 11 minutes ago: outside a 10-minute window.
  EXPECT_EQ(scheduler.catch_up(kJan1 + 2 * 3600 + 660, 600, all), 0);
  EXPECT_EQ(scheduler.next_fire("daily"), kJan1 + 26 * 3600);
  EXPECT_EQ(scheduler.run_due(kJan1 + 2 * 3600 + 660), 0);
  // Exactly at the window's edge it still counts.
  EXPECT_EQ(scheduler.catch_up(kJan1 + 2 * 3600 + 600, 600, all), 1);
  EXPECT_EQ(scheduler.next_fire("daily"), kJan1 + 2 * 3600);
  scheduler.wait_idle();
  EXPECT_TRUE(rec.events().empty());
}

TEST_F(SchedulerTest, IndependentEntries) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("every5", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  ASSERT_TRUE(scheduler.add("hourly", cron("cron(0 * * * ? *)"), rec.callback()).ok());
  ASSERT_TRUE(scheduler.add("past", cron("cron(0 0 * * ? 2020)"), rec.callback()).ok());
  EXPECT_EQ(scheduler.next_fire("past"), std::nullopt);
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);  // every5
  scheduler.wait_idle();                         // else the next every5 fire would overlap this one
  EXPECT_EQ(scheduler.run_due(kJan1 + 3600), 2);  // every5 (catching up) and hourly
  scheduler.wait_idle();
  std::multiset<std::string> ids;
  for (const auto& e : rec.events()) ids.insert(e.id);
  EXPECT_EQ(ids, (std::multiset<std::string>{"every5", "every5", "hourly"}));
  EXPECT_EQ(scheduler.ids(), (std::vector<std::string>{"every5", "hourly", "past"}));
}

TEST_F(SchedulerTest, AddReplaceRemoveErrors) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("c1", cron("cron(0 * * * ? *)"), rec.callback()).ok());
  EXPECT_EQ(scheduler.add("c1", cron("cron(0 * * * ? *)"), rec.callback()).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(scheduler.replace("c2", cron("cron(0 * * * ? *)"), rec.callback()).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(scheduler.remove("c2").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(scheduler.add("c3", cron("cron(0 * * * ? *)"), nullptr).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(scheduler.remove("c1").ok());
  EXPECT_FALSE(scheduler.contains("c1"));
  EXPECT_EQ(scheduler.run_due(kJan1 + 7200), 0);
}

TEST_F(SchedulerTest, ReplaceChangesScheduleAndCallback) {
  Scheduler scheduler(clock_);
  Recorder old_rec, new_rec;
  ASSERT_TRUE(scheduler.add("t", cron("cron(0 * * * ? *)"), old_rec.callback()).ok());
  EXPECT_EQ(scheduler.next_fire("t"), kJan1 + 3600);
  ASSERT_TRUE(scheduler.replace("t", cron("cron(0/10 * * * ? *)"), new_rec.callback()).ok());
  EXPECT_EQ(scheduler.next_fire("t"), kJan1 + 600);
  EXPECT_EQ(scheduler.run_due(kJan1 + 600), 1);
  scheduler.wait_idle();
  EXPECT_TRUE(old_rec.events().empty());
  EXPECT_EQ(new_rec.events().size(), 1u);
}

TEST_F(SchedulerTest, OverlappingFireOfTheSameEntryIsSkipped) {
  Scheduler scheduler(clock_);
  Gate gate;
  std::atomic<int> calls{0};
  ASSERT_TRUE(scheduler
                  .add("slow", cron("cron(0/5 * * * ? *)"),
                       [&](const FireEvent&) {
                         ++calls;
                         gate.wait();
                       })
                  .ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);
  EXPECT_EQ(scheduler.run_due(kJan1 + 600), 0);  // still running
  EXPECT_EQ(scheduler.stats().skipped_overlapping, 1);
  EXPECT_EQ(scheduler.next_fire("slow"), kJan1 + 900);
  gate.open();
  scheduler.wait_idle();
  EXPECT_EQ(scheduler.run_due(kJan1 + 900), 1);  // free again
  scheduler.wait_idle();
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(SchedulerTest, SlowCallbackDoesNotDelayOthers) {
  Scheduler scheduler(clock_, {.max_parallel_callbacks = 2});
  Gate gate;
  Recorder rec;
  ASSERT_TRUE(
      scheduler.add("slow", cron("cron(0/5 * * * ? *)"), [&](const FireEvent&) { gate.wait(); })
          .ok());
  ASSERT_TRUE(scheduler.add("fast", cron("cron(0/10 * * * ? *)"), rec.callback()).ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);
  EXPECT_EQ(scheduler.run_due(kJan1 + 600), 1);  // only "fast": "slow" still runs
  EXPECT_TRUE(rec.wait_for(1));                  // completes while "slow" blocks
  gate.open();
  scheduler.wait_idle();
}

TEST_F(SchedulerTest, RemoveDropsAFireNotYetStarted) {
  // One worker: "b" queues behind the blocked "a"; removing "b" cancels it.
  Scheduler scheduler(clock_, {.max_parallel_callbacks = 1});
  Gate gate;
  Recorder started, rec_b;
  ASSERT_TRUE(scheduler
                  .add("a", cron("cron(0/5 * * * ? *)"),
                       [&](const FireEvent& e) {
                         started.callback()(e);
                         gate.wait();
                       })
                  .ok());
  ASSERT_TRUE(scheduler.add("b", cron("cron(0/5 * * * ? *)"), rec_b.callback()).ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 2);
  ASSERT_TRUE(started.wait_for(1));
  ASSERT_TRUE(scheduler.remove("b").ok());
  gate.open();
  scheduler.wait_idle();
  EXPECT_TRUE(rec_b.events().empty());
}

TEST_F(SchedulerTest, ReplaceWhileRunningKeepsTheRunningCallbackAndUsesTheNewOne) {
  Scheduler scheduler(clock_);
  Gate gate;
  Recorder old_started, new_rec;
  ASSERT_TRUE(scheduler
                  .add("t", cron("cron(0/5 * * * ? *)"),
                       [&](const FireEvent& e) {
                         old_started.callback()(e);
                         gate.wait();
                       })
                  .ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);
  ASSERT_TRUE(old_started.wait_for(1));
  clock_.set_micros((kJan1 + 301) * kSecond);
  ASSERT_TRUE(scheduler.replace("t", cron("cron(0/5 * * * ? *)"), new_rec.callback()).ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 600), 1);  // the new entry is not blocked by the old run
  EXPECT_TRUE(new_rec.wait_for(1));
  gate.open();
  scheduler.wait_idle();
  EXPECT_EQ(old_started.events().size(), 1u);
}

TEST_F(SchedulerTest, CallbackMayChangeTheScheduler) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler
                  .add("once", cron("cron(0/5 * * * ? *)"),
                       [&](const FireEvent& e) {
                         EXPECT_TRUE(scheduler.remove(e.id).ok());
                         EXPECT_TRUE(
                             scheduler.add("next", cron("cron(0 * * * ? *)"), rec.callback()).ok());
                       })
                  .ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);
  scheduler.wait_idle();
  EXPECT_FALSE(scheduler.contains("once"));
  EXPECT_TRUE(scheduler.contains("next"));
}

TEST_F(SchedulerTest, ThrowingCallbackIsCountedAndTheEntryKeepsFiring) {
  Scheduler scheduler(clock_);
  std::atomic<int> calls{0};
  ASSERT_TRUE(scheduler
                  .add("bad", cron("cron(0/5 * * * ? *)"),
                       [&](const FireEvent&) {
                         ++calls;
                         throw std::runtime_error("boom");
                       })
                  .ok());
  EXPECT_EQ(scheduler.run_due(kJan1 + 300), 1);
  scheduler.wait_idle();
  EXPECT_EQ(scheduler.run_due(kJan1 + 600), 1);
  scheduler.wait_idle();
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(scheduler.stats().callback_exceptions, 2);
}

TEST_F(SchedulerTest, BackgroundThreadFiresWhenTheClockMoves) {
  Scheduler scheduler(clock_);
  Recorder rec;
  ASSERT_TRUE(scheduler.add("c1", cron("cron(0/5 * * * ? *)"), rec.callback()).ok());
  scheduler.start();
  scheduler.start();  // idempotent
  clock_.set_micros((kJan1 + 300) * kSecond);
  scheduler.wake();
  ASSERT_TRUE(rec.wait_for(1));
  EXPECT_EQ(rec.events()[0].scheduled_time, kJan1 + 300);
  // An entry added while the thread waits is picked up without wake().
  Recorder rec2;
  ASSERT_TRUE(scheduler.add("c2", cron("cron(7 * * * ? *)"), rec2.callback()).ok());
  clock_.set_micros((kJan1 + 7 * 60) * kSecond);
  ASSERT_TRUE(scheduler.add("c3", cron("cron(0 0 1 1 ? 2100)"), rec2.callback())
                  .ok());  // the change wakes it
  ASSERT_TRUE(rec2.wait_for(1));
  EXPECT_EQ(rec2.events()[0].id, "c2");
  scheduler.stop();
  scheduler.stop();  // idempotent
  EXPECT_EQ(rec.events().size(), 1u);
}

TEST_F(SchedulerTest, StopIsPrompt) {
  Scheduler scheduler(clock_, {.max_sleep_millis = 3'600'000});
  ASSERT_TRUE(scheduler.add("yearly", cron("cron(0 0 1 1 ? *)"), [](const FireEvent&) {}).ok());
  scheduler.start();
  const auto begin = std::chrono::steady_clock::now();
  scheduler.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
  // And it can start again.
  scheduler.start();
  scheduler.stop();
}

TEST_F(SchedulerTest, DestructorStopsTheThread) {
  auto scheduler =
      std::make_unique<Scheduler>(clock_, SchedulerOptions{.max_sleep_millis = 3'600'000});
  ASSERT_TRUE(scheduler->add("e", cron("cron(0 0 1 1 ? *)"), [](const FireEvent&) {}).ok());
  scheduler->start();
  const auto begin = std::chrono::steady_clock::now();
  scheduler.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(2));
}

TEST_F(SchedulerTest, ConcurrentUseFromManyThreads) {
  Scheduler scheduler(clock_);
  std::atomic<int> calls{0};
  scheduler.start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string id = "e" + std::to_string(t) + "_" + std::to_string(i % 10);
        if (!scheduler.add(id, cron("cron(0/5 * * * ? *)"), [&](const FireEvent&) { ++calls; })
                 .ok()) {
          EXPECT_TRUE(
              scheduler
                  .replace(id, cron("cron(0/10 * * * ? *)"), [&](const FireEvent&) { ++calls; })
                  .ok());
        }
        scheduler.run_due(kJan1 + 300 * (i + 1));
        if (i % 3 == 0) (void)scheduler.remove(id);
        scheduler.next_fire(id);
      }
    });
  }
  for (auto& th : threads) th.join();
  scheduler.stop();
  scheduler.wait_idle();
  EXPECT_GT(calls.load(), 0);
  // Fires dispatched but dropped by a later remove/replace never ran.
  EXPECT_GE(scheduler.stats().fired, calls.load());
}

}  // namespace
}  // namespace mortar::schedule
