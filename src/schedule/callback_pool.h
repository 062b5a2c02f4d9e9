// A small pool that runs scheduler callbacks off the scheduler's lock and
// thread, so a slow callback delays neither the scheduler loop nor (up to the
// pool size) other entries. Workers are started lazily, up to max_threads.
//
// Thread-safe. The destructor drops tasks that have not started and joins
// the workers, waiting for running tasks to return.
#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

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
  mutable absl::Mutex mu_;
  absl::CondVar work_ready_;
  absl::CondVar idle_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  int idle_workers_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  int64_t exceptions_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mortar::schedule
