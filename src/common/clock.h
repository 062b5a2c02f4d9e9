// Time behind an interface so the scheduler, tokens, auth and job runs are
// tested with a fake clock, without sleeping.
//
// Timers: call_at(when, fn) runs `fn` once when the clock reaches `when`;
// cancel(id) drops a timer that has not fired. On the real clock (and any
// clock that does not override them) a timer thread of the clock's own runs
// the callbacks, re-reading now_micros() at least every second, so clocks
// that jump (a test clock shifted by a file) are followed. FakeClock fires
// due timers from advance()/set_micros()/fire_due_timers(), on the calling
// thread, in due order -- so timeouts and retries move only when a test
// moves time.
//
// Thread-safe. Callbacks must be short (they share one thread per clock) and
// run under no lock of the clock's, so they may call call_at()/cancel().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace mortar {

using TimerId = uint64_t;

class TimerThread;  // clock.cc: the default timers' thread

class Clock {
 public:
  Clock();
  virtual ~Clock();
  // Wall-clock time in microseconds since the Unix epoch.
  virtual int64_t now_micros() const = 0;
  int64_t now_seconds() const { return now_micros() / 1000000; }
  double now_epoch_seconds() const { return now_micros() / 1e6; }

  // Runs `fn` once when now_micros() >= when_micros (soon, if already).
  // Returns an id for cancel(); never 0.
  virtual TimerId call_at(int64_t when_micros, std::function<void()> fn) const;
  // Drops the timer if it has not started; true if it was pending. A
  // callback already running is not waited for.
  virtual bool cancel(TimerId id) const;

  // The process-wide real clock.
  static Clock& real();

 protected:
  // Stops the default timer thread (pending timers never fire). A derived
  // clock whose now_micros() reads its own members and that uses the default
  // timers calls this first in its destructor: the thread reads the clock.
  void stop_timers() const;

 private:
  mutable std::mutex timers_mu_;
  mutable std::unique_ptr<TimerThread> timers_;  // started by the first call_at
};

class RealClock : public Clock {
 public:
  int64_t now_micros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Thread-safe: time is an atomic that tests move by hand; timers fire only
// when a test moves it (or calls fire_due_timers()).
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1700000000LL * 1000000) : now_(start_micros) {}
  int64_t now_micros() const override { return now_.load(); }
  void advance(int64_t micros) {
    now_ += micros;
    fire_due_timers();
  }
  void set_micros(int64_t micros) {
    now_ = micros;
    fire_due_timers();
  }

  TimerId call_at(int64_t when_micros, std::function<void()> fn) const override;
  bool cancel(TimerId id) const override;
  // Runs every timer due at the current time, earliest first (one a callback
  // adds that is already due runs too). Returns how many ran.
  int fire_due_timers() const;
  // Timers not fired or cancelled yet.
  size_t pending_timers() const;

 private:
  std::atomic<int64_t> now_;
  mutable std::mutex mu_;
  mutable TimerId next_id_ = 1;
  // (due, id) -> callback: ordered by due time, then by creation.
  mutable std::map<std::pair<int64_t, TimerId>, std::function<void()>> timers_;
};

inline Clock& Clock::real() {
  static RealClock clock;
  return clock;
}

}  // namespace mortar
