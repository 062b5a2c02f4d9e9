// Scheduler leadership: among servers sharing one store, only the holder of
// the store's session lock "mortar-scheduler" (store::Store::try_lock) runs
// the Scheduler. Every `interval` a follower tries for the lock and a leader
// checks it still holds it (SessionLock::still_held: on PostgreSQL the
// advisory lock's connection can drop); on a gain it calls `lead` and logs
// "became scheduler leader", on a loss it calls `step_down`, releases the
// lock and logs "lost scheduler leadership", then tries again like any
// follower. On SQLite the lock is per process (one server per data dir), so
// the server leads from start().
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace mortar::server {

struct LeadershipOptions {
  std::string lock_name = "mortar-scheduler";
  // How often a follower tries for the lock and a leader checks it.
  std::chrono::milliseconds interval{5000};
};

class Leadership {
 public:
  // `lead` / `step_down` start and stop what only the leader runs (the
  // scheduler); they are called from tick(), never at the same time. `store`
  // must outlive this.
  Leadership(store::Store& store, std::function<void()> lead, std::function<void()> step_down,
             LeadershipOptions options = {});
  // Stops the background thread, then steps down and releases the lock if
  // leading.
  ~Leadership();
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;

  // One round at once (so a free lock is taken before start() returns), then
  // one every `interval` on a background thread.
  void start();
  // One round: try for the lock when following, check it when leading.
  void tick();
  bool leading() const { return leading_.load(); }

 private:
  void loop();

  store::Store& store_;
  const std::function<void()> lead_;
  const std::function<void()> step_down_;
  const LeadershipOptions options_;
  std::mutex tick_mu_;  // one round at a time; guards lock_ and store_failing_
  std::unique_ptr<store::SessionLock> lock_;
  bool store_failing_ = false;  // log a failing try_lock once per streak
  std::atomic<bool> leading_{false};
  std::mutex thread_mu_;  // guards stopping_
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mortar::server
