// A registry of named cron schedules that fires a callback when each is due.
// Crawler schedules and SCHEDULED job triggers both register here.
//
// Two ways to drive it:
//  - run_due(now): fire everything due at `now` (tests, with a FakeClock);
//  - start()/stop(): a background thread that sleeps until the earliest next
//    fire (or a change) and calls run_due() itself.
//
// Semantics (see README.md for why):
//  - A new or replaced entry's first fire is the first cron time strictly
//    after the clock's current time: nothing earlier is replayed.
//  - run_due() fires an entry at most once per call however many of its
//    times have passed (one catch-up fire), then schedules it after `now`.
//  - Callbacks run on a CallbackPool, never under the scheduler's lock. An
//    entry never overlaps itself: a fire that comes due while the previous
//    callback of the same entry is still running is skipped and counted.
//  - After remove() or replace() returns, no callback of the old entry starts
//    (one already running is not interrupted).
//
// Thread-safe: every method may be called from any thread, including from
// inside a callback -- except the destructor and wait_idle(), which wait for
// callbacks and so would wait for themselves.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "schedule/callback_pool.h"
#include "schedule/cron_expression.h"

namespace mortar::schedule {

struct FireEvent {
  std::string id;
  int64_t scheduled_time = 0;  // the cron time being fired, epoch seconds
  int64_t fired_at = 0;        // the `now` of the run_due() call that fired it
};

using ScheduleCallback = std::function<void(const FireEvent&)>;

struct SchedulerOptions {
  // Callbacks running at once, across all entries. Callbacks should be short
  // (start a crawl or job run and return); this bounds the damage of slow ones.
  int max_parallel_callbacks = 4;
  // The background thread re-reads the clock at least this often, so wall
  // clock jumps and FakeClock changes are noticed without a wake().
  int64_t max_sleep_millis = 60'000;
  // Told, as each callback starts, how late it starts after its cron time
  // (seconds on the scheduler's clock; a caught-up missed fire is late by
  // design). May be unset; called on the callback's thread.
  std::function<void(double lag_seconds)> on_fire_lag;
};

struct SchedulerStats {
  int64_t fired = 0;                // callbacks dispatched
  int64_t skipped_overlapping = 0;  // due while the entry's callback still ran
  int64_t callback_exceptions = 0;  // callbacks that threw (caught)
};

class Scheduler {
 public:
  // `clock` must outlive the scheduler.
  explicit Scheduler(const Clock& clock, SchedulerOptions options = {});
  ~Scheduler();  // stop(), drop callbacks not yet started, wait for running ones
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // AlreadyExists if `id` is registered.
  Status add(const std::string& id, CronExpression cron, ScheduleCallback callback);
  // NotFound if `id` is not registered.
  Status replace(const std::string& id, CronExpression cron, ScheduleCallback callback);
  // NotFound if `id` is not registered.
  Status remove(const std::string& id);

  bool contains(const std::string& id) const;
  std::vector<std::string> ids() const;
  // The next time `id` fires, or nullopt if unknown or it never fires again.
  std::optional<int64_t> next_fire(const std::string& id) const;
  // The earliest next fire over all entries.
  std::optional<int64_t> earliest_fire() const;

  // Dispatches every entry due at `now_seconds`; returns how many fired.
  int run_due(int64_t now_seconds);

  // Re-arms the entries `eligible` accepts after a gap in firing (this
  // server just became the scheduler's leader; the previous one may have
  // died before firing): each one's next fire becomes its latest cron time
  // in [now - window, now] when there is one, so the next run_due() fires it
  // once with that scheduled_time, else its first time after `now` (older
  // missed times are dropped: no backfill of long outages). The callee must
  // tolerate a time that was fired already (a claim in the store). Returns
  // how many entries will catch up.
  int catch_up(int64_t now_seconds, int64_t window_seconds,
               const std::function<bool(const std::string& id)>& eligible);

  // Starts / stops the background thread (idempotent). stop() returns as
  // soon as the thread wakes, without waiting for running callbacks.
  void start();
  void stop();
  // Makes the background thread re-read the clock now (after moving a FakeClock).
  void wake();

  // Blocks until no callback is queued or running. Not from a callback.
  void wait_idle();

  SchedulerStats stats() const;

 private:
  struct Entry {
    CronExpression cron;
    std::shared_ptr<const ScheduleCallback> callback;
    std::optional<int64_t> next;
    uint64_t generation = 0;
    bool running = false;
  };
  struct Due {
    std::string id;
    uint64_t generation;
    std::shared_ptr<const ScheduleCallback> callback;
    FireEvent event;
  };

  void run_callback(const Due& due);
  void loop();
  void changed();  // requires mu_

  const Clock& clock_;
  const SchedulerOptions options_;
  // std::mutex rather than absl::Mutex so ThreadSanitizer can check this.
  mutable std::mutex mu_;
  std::condition_variable wakeup_;
  // Guarded by mu_:
  std::map<std::string, Entry> entries_;
  uint64_t next_generation_ = 1;
  bool changed_ = false;
  bool stopping_ = false;
  SchedulerStats stats_;
  std::mutex thread_mu_;  // serializes start()/stop(); guards thread_
  std::thread thread_;
  // Declared last: destroyed first, so callbacks finish while members live.
  CallbackPool pool_;
};

}  // namespace mortar::schedule
