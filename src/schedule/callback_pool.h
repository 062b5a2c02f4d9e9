// A small pool that runs scheduler callbacks off the scheduler's lock and
// thread, so a slow callback delays neither the scheduler loop nor (up to the
// pool size) other entries. Workers are started lazily, up to max_threads.
//
// Thread-safe. The destructor drops tasks that have not started and joins
// the workers, waiting for running tasks to return.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mortar::schedule {

class CallbackPool {
 public:
  explicit CallbackPool(int max_threads);
  ~CallbackPool();
  CallbackPool(const CallbackPool&) = delete;
  CallbackPool& operator=(const CallbackPool&) = delete;

  // Queues `task`; it runs on a worker thread in FIFO order. Exceptions a
  // task throws are caught and counted, never propagated.
  void submit(std::function<void()> task);

  // Blocks until no task is queued or running.
  void wait_idle();

  int64_t exceptions() const;

 private:
  void work();

  const int max_threads_;
  // std::mutex rather than absl::Mutex so ThreadSanitizer (which does not
  // see inside Debian's uninstrumented abseil) can check this class.
  mutable std::mutex mu_;
  std::condition_variable work_ready_;
  std::condition_variable idle_;
  // Guarded by mu_:
  std::deque<std::function<void()>> queue_;
  int running_ = 0;
  int idle_workers_ = 0;
  bool shutting_down_ = false;
  int64_t exceptions_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace mortar::schedule
