// Time behind an interface so the scheduler, tokens and auth are tested with
// a fake clock, without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mortar {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in microseconds since the Unix epoch.
  virtual int64_t now_micros() const = 0;
  int64_t now_seconds() const { return now_micros() / 1000000; }
  double now_epoch_seconds() const { return now_micros() / 1e6; }

  // The process-wide real clock.
  static Clock& real();
};

class RealClock : public Clock {
 public:
  int64_t now_micros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Thread-safe: time is an atomic that tests move by hand.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t start_micros = 1700000000LL * 1000000) : now_(start_micros) {}
  int64_t now_micros() const override { return now_.load(); }
  void advance(int64_t micros) { now_ += micros; }
  void set_micros(int64_t micros) { now_ = micros; }

 private:
  std::atomic<int64_t> now_;
};

inline Clock& Clock::real() {
  static RealClock clock;
  return clock;
}

}  // namespace mortar
