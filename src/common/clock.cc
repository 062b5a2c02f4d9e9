#include "common/clock.h"

#include <condition_variable>
#include <thread>

namespace mortar {

// The default timers: one thread per clock sleeping until the earliest due
// time (at most a second, then it re-reads the clock).
class TimerThread {
 public:
  explicit TimerThread(const Clock& clock) : clock_(clock), thread_([this] { loop(); }) {}
  ~TimerThread() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  TimerId add(int64_t when, std::function<void()> fn) {
    TimerId id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      id = next_id_++;
      timers_.emplace(std::make_pair(when, id), std::move(fn));
    }
    cv_.notify_all();
    return id;
  }

  bool cancel(TimerId id) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return true;
      }
    }
    return false;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      const int64_t now = clock_.now_micros();
      if (!timers_.empty() && timers_.begin()->first.first <= now) {
        auto fn = std::move(timers_.begin()->second);
        timers_.erase(timers_.begin());
        lock.unlock();
        fn();
        lock.lock();
        continue;
      }
      int64_t wait = 1'000'000;
      if (!timers_.empty()) wait = std::min(wait, timers_.begin()->first.first - now);
      cv_.wait_for(lock, std::chrono::microseconds(wait));
    }
  }

  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  TimerId next_id_ = 1;
  std::map<std::pair<int64_t, TimerId>, std::function<void()>> timers_;
  std::thread thread_;  // last: starts after everything it reads
};

Clock::Clock() = default;
Clock::~Clock() { stop_timers(); }

void Clock::stop_timers() const {
  std::unique_ptr<TimerThread> timers;
  {
    std::lock_guard<std::mutex> lock(timers_mu_);
    timers = std::move(timers_);
  }
  timers.reset();  // joins outside the lock: a callback may be calling call_at()
}

TimerId Clock::call_at(int64_t when_micros, std::function<void()> fn) const {
  std::lock_guard<std::mutex> lock(timers_mu_);
  if (!timers_) timers_ = std::make_unique<TimerThread>(*this);
  return timers_->add(when_micros, std::move(fn));
}

bool Clock::cancel(TimerId id) const {
  std::lock_guard<std::mutex> lock(timers_mu_);
  return timers_ && timers_->cancel(id);
}

TimerId FakeClock::call_at(int64_t when_micros, std::function<void()> fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(when_micros, id), std::move(fn));
  return id;
}

bool FakeClock::cancel(TimerId id) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      return true;
    }
  }
  return false;
}

int FakeClock::fire_due_timers() const {
  int fired = 0;
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (timers_.empty() || timers_.begin()->first.first > now_.load()) return fired;
      fn = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
    }
    fn();
    ++fired;
  }
}

size_t FakeClock::pending_timers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return timers_.size();
}

}  // namespace mortar
