// A started job run (JobRunner's RunningJob): waits for its process, turns
// the exit into the run's outcome, enforces stop()'s grace period, commits
// the bookmark of a run that succeeded, and removes the run's working dir.
// Internal to JobRunner.
//
// Thread-safety: see RunningJob (run_executor.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "jobs/bookmark_hooks.h"
#include "jobs/process_launcher.h"
#include "jobs/run_executor.h"
#include "jobs/run_log.h"

namespace mortar::jobs {

struct LaunchedRunSetup {
  std::shared_ptr<RunLog> log;
  std::string workdir;
  bool keep_workdir = false;
  std::chrono::milliseconds stop_grace{10000};
  ResourceLimits limits;
  BookmarkHooks* bookmarks = nullptr;  // null: nothing to commit
  BookmarkRun bookmark_run;
  std::string bookmark_out;  // the file the script's Job.commit writes
};

class LaunchedRun : public RunningJob {
 public:
  LaunchedRun(std::unique_ptr<Process> process, LaunchedRunSetup setup);
  ~LaunchedRun() override;

  void stop(const std::string& state, const std::string& message) override;
  RunResult wait() override;

 private:
  RunResult outcome(const ExitInfo& info);

  LaunchedRunSetup setup_;
  std::unique_ptr<Process> process_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool exited_ = false;              // guarded by mu_
  std::string stop_state_;           // guarded by mu_; "" unless stop() was called
  std::string stop_message_;         // guarded by mu_
  std::thread killer_;               // SIGKILL after the grace period
  std::optional<RunResult> result_;  // wait()'s owner only
};

}  // namespace mortar::jobs
