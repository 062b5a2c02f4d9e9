// A run this server executes (internal to JobService): its process once
// started, and a stop asked for before or after that.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "jobs/job_service.h"
#include "jobs/run_executor.h"

namespace mortar::jobs {

struct JobService::ActiveRun {
  std::string account;
  std::string job_name;
  std::string run_id;
  int64_t seq = 0;

  std::mutex mu;
  std::unique_ptr<RunningJob> running;  // set once the executor started it
  std::string stop_state;               // STOPPED or TIMEOUT once a stop was asked for
  std::string stop_message;
  bool lost =
      false;  // the claim is gone (recovery gave it up, the job was deleted): record nothing
  bool server_stopping = false;  // ~JobService: record FAILED, not STOPPED
  TimerId timeout_timer = 0;
  TimerId notify_timer = 0;  // NotifyDelayAfter, 0: none

  // Asks the run to end as `state`; the first request wins.
  void request_stop(const std::string& state, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu);
    if (!stop_state.empty()) return;
    stop_state = state;
    stop_message = message;
    if (running) running->stop(state, message);
  }
  void lose(const std::string& why) {
    {
      std::lock_guard<std::mutex> lock(mu);
      lost = true;
    }
    request_stop("STOPPED", why);
  }
  bool is_lost() {
    std::lock_guard<std::mutex> lock(mu);
    return lost;
  }
};

}  // namespace mortar::jobs
