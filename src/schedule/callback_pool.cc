#include "schedule/callback_pool.h"

#include <algorithm>
#include <utility>

namespace mortar::schedule {

CallbackPool::CallbackPool(int max_threads) : max_threads_(std::max(1, max_threads)) {}

CallbackPool::~CallbackPool() {
  std::vector<std::thread> workers;
  {
    std::unique_lock lock(mu_);
    shutting_down_ = true;
    queue_.clear();
    workers.swap(workers_);
    work_ready_.notify_all();
    idle_.notify_all();
  }
  for (std::thread& t : workers) t.join();
}

void CallbackPool::submit(std::function<void()> task) {
  std::unique_lock lock(mu_);
  if (shutting_down_) return;
  queue_.push_back(std::move(task));
  // Idle workers only count as free once they wake, so compare with the
  // whole queue: a burst of tasks starts as many workers as it needs.
  if (static_cast<int>(queue_.size()) > idle_workers_ &&
      static_cast<int>(workers_.size()) < max_threads_) {
    workers_.emplace_back([this] { work(); });
  }
  work_ready_.notify_one();
}

void CallbackPool::wait_idle() {
  std::unique_lock lock(mu_);
  while (!queue_.empty() || running_ > 0) idle_.wait(lock);
}

int64_t CallbackPool::exceptions() const {
  std::unique_lock lock(mu_);
  return exceptions_;
}

void CallbackPool::work() {
  std::unique_lock lock(mu_);
  while (true) {
    while (queue_.empty() && !shutting_down_) {
      ++idle_workers_;
      work_ready_.wait(lock);
      --idle_workers_;
    }
    if (shutting_down_) return;
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    bool threw = false;
    try {
      task();
    } catch (...) {
      threw = true;
    }
    task = nullptr;  // destroy the captures before re-taking the lock
    lock.lock();
    --running_;
    if (threw) ++exceptions_;
    if (queue_.empty() && running_ == 0) idle_.notify_all();
  }
}

}  // namespace mortar::schedule
