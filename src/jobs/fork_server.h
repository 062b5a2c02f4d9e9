// ForkServer: one Python fork server process (python/_mortar_forkserver) and
// the control connection to it. The server has the modules a Glue script
// uses already imported and forks one child per run; see src/jobs/README.md
// "Warm pool" for the protocol and what a warm run shares.
//
// Thread-safety: all methods may be called from any thread. A ForkServer is
// shared (std::shared_ptr) by the pool and by every run it forked, so it
// lives until the last of them is done. Its reader thread calls the runs'
// on_exit callbacks.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "jobs/process_launcher.h"

namespace mortar::jobs {

struct ForkServerConfig {
  std::string python;            // the interpreter (argv[0] of the runs it serves)
  std::vector<std::string> env;  // the server's own environment (the key's variables)
  std::string script;            // <python dir>/_mortar_forkserver/__main__.py
  std::chrono::milliseconds ready_timeout{60000};
};

// How a forked child ended.
struct ChildExit {
  int exit_code = 0;  // or 128 + signal
  int signal = 0;
};

class ForkServer {
 public:
  // Starts the fork server and waits until it has preloaded its modules.
  static StatusOr<std::shared_ptr<ForkServer>> start(const ForkServerConfig& config);

  // Closes the connection (the fork server exits, and any child still
  // running dies with it) and reaps the process.
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

  // Forks a child that runs `spec` with `out_fd`/`err_fd` (borrowed, sent
  // over the socket) as its stdout/stderr. Returns its pid; `on_exit` is
  // then called exactly once, from the reader thread, when the child ended
  // -- or as SIGKILL when the fork server died first (its children die with
  // it). An error means no child was started.
  StatusOr<pid_t> spawn(const LaunchSpec& spec, int out_fd, int err_fd,
                        std::function<void(ChildExit)> on_exit);

  // Signals the process group of a child that has not been released; a
  // no-op once the fork server is gone.
  void signal_group(pid_t child, int sig);
  // The fork server reaps the child (kept a zombie until now, so its pid
  // could not be reused while it might be signalled).
  void release(pid_t child);

  bool alive() const { return alive_.load(); }
  pid_t pid() const { return pid_; }
  int in_flight() const;
  // Top-level modules the fork server imported beyond a bare interpreter's:
  // a script whose own directory holds one of these names would import its
  // own copy on a cold start, so it must not run warm.
  const std::set<std::string>& preloaded_top_level() const { return preloaded_; }

 private:
  ForkServer(pid_t pid, int sock) : pid_(pid), sock_(sock) {}
  Status send_message(const std::string& json, const int* fds, int nfds);
  void read_loop();
  void on_dead();

  const pid_t pid_;
  const int sock_;
  std::set<std::string> preloaded_;
  std::atomic<bool> alive_{true};
  std::thread reader_;

  struct Pending {
    bool answered = false;
    pid_t pid = -1;
    std::string error;
    std::function<void(ChildExit)> on_exit;
  };
  mutable std::mutex mu_;
  std::condition_variable answered_;
  int64_t next_request_ = 1;                                 // guarded by mu_
  std::map<int64_t, Pending> pending_;                       // guarded by mu_
  std::map<pid_t, std::function<void(ChildExit)>> running_;  // guarded by mu_
  std::mutex send_mu_;
};

}  // namespace mortar::jobs
