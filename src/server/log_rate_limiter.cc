#include "server/log_rate_limiter.h"

namespace mortar::server {

bool LogRateLimiter::allow(int64_t* suppressed_before) {
  const int64_t now = clock_.now_micros();
  absl::MutexLock lock(&mu_);
  if (logged_in_window_ == 0 || now - window_start_ >= window_micros_) {
    window_start_ = now;
    logged_in_window_ = 0;
  }
  if (logged_in_window_ >= burst_) {
    ++suppressed_;
    return false;
  }
  ++logged_in_window_;
  *suppressed_before = suppressed_;
  suppressed_ = 0;
  return true;
}

int64_t LogRateLimiter::take_suppressed() {
  absl::MutexLock lock(&mu_);
  int64_t n = suppressed_;
  suppressed_ = 0;
  return n;
}

}  // namespace mortar::server
