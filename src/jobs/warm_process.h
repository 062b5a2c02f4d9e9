// WarmProcess: a run forked by a ForkServer, seen through the Process
// interface exactly like a cold child: one reader thread copies its pipes to
// on_output and notices its exit (reported by the fork server, its parent).
// Internal to the warm pool (warm_pool.h).
//
// Thread-safety: see process_launcher.h.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "jobs/fork_server.h"
#include "jobs/process_launcher.h"

namespace mortar::jobs {

class WarmProcess : public Process {
 public:
  // Starts the child on `server` with the run's pipes (write ends are sent to
  // the fork server and closed here). An error means nothing was started.
  static StatusOr<std::unique_ptr<Process>> start(std::shared_ptr<ForkServer> server,
                                                  LaunchSpec spec);
  ~WarmProcess() override;

  int pid() const override { return pid_; }
  void terminate() override;
  void kill() override;
  ExitInfo wait() override;

 private:
  struct Shared;  // what the fork server's reader thread reports into
  WarmProcess(std::shared_ptr<ForkServer> server, std::shared_ptr<Shared> shared, pid_t pid,
              int out_fd, int err_fd,
              std::function<void(OutputStream, std::string_view)> on_output);
  void read_until_exit();

  std::shared_ptr<ForkServer> server_;
  std::shared_ptr<Shared> shared_;
  const pid_t pid_;
  int fds_[2];
  std::function<void(OutputStream, std::string_view)> on_output_;
  std::thread reader_;
};

}  // namespace mortar::jobs
