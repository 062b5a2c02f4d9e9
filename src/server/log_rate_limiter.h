// Keeps a log from being flooded by events a client can cause at will
// (authentication failures): at most `burst` lines per window, the rest only
// counted. The count is reported with the next line let through, and at
// shutdown (take_suppressed). Thread-safe.
#pragma once

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"

namespace mortar::server {

class LogRateLimiter {
 public:
  // A window starts with the first event after the previous one ended.
  LogRateLimiter(int burst, int64_t window_seconds, const Clock& clock = Clock::real())
      : burst_(burst), window_micros_(window_seconds * 1000000), clock_(clock) {}

  // True when this event may be logged; then *suppressed_before is how many
  // events were held back since the last one logged (say so in the line).
  bool allow(int64_t* suppressed_before);

  // Events held back and not yet reported; resets the count.
  int64_t take_suppressed();

  int64_t window_seconds() const { return window_micros_ / 1000000; }

 private:
  const int burst_;
  const int64_t window_micros_;
  const Clock& clock_;
  absl::Mutex mu_;
  int64_t window_start_ ABSL_GUARDED_BY(mu_) = 0;
  int logged_in_window_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace mortar::server
