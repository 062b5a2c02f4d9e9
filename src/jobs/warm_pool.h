// WarmPoolLauncher: starts Python job runs in milliseconds by forking them
// from pre-started interpreters ("fork servers", python/_mortar_forkserver)
// that already imported awsglue, _mortar and the modules a Glue script uses.
// A drop-in ProcessLauncher: what it cannot serve warm goes to the fallback
// (the cold PosixLauncher), and a warm run looks like a cold one -- see
// src/jobs/README.md "Warm pool" for the design and what a warm run shares.
//
// A run is served warm when argv is {python, script, args...} (argv[0]'s
// name starts with "python" and it is the interpreter binary itself, not a
// wrapper script such as a pyenv shim; the script is a regular file), a fork server
// for argv[0] and the spec's start-up environment (warm_pool_key.h) is
// ready, and the script's directory shadows no preloaded module. Pools are
// made per key on first sight (that run starts cold) or ahead by prestart().
//
// Thread-safety: all methods may be called from any thread. The fallback is
// borrowed and must outlive this launcher; Processes it returned may outlive
// it (they keep their fork server alive).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "jobs/fork_server.h"
#include "jobs/process_launcher.h"

namespace mortar::jobs {

struct WarmPoolOptions {
  // Fork servers kept ready per interpreter + start-up environment. Each
  // forks any number of runs; more than one spreads forks over cores and
  // keeps the pool warm while a dead one is replaced. 0 turns the pool off.
  int size = 1;
  // Where _mortar_forkserver/ is: the build's python dir (<build>/python),
  // the one the server puts on the runs' PYTHONPATH.
  std::string python_dir;
  // Distinct keys (interpreters, e.g. per-requirements virtualenvs) served
  // warm; runs of further keys start cold.
  int max_keys = 4;
  // How long a fork server may take to import its modules.
  std::chrono::milliseconds start_timeout{60000};
  // Wait after a fork server failed to start, doubling per failure up to
  // max_retry_delay.
  std::chrono::milliseconds retry_delay{1000};
  std::chrono::milliseconds max_retry_delay{60000};
};

// For /metrics.
struct WarmPoolStats {
  int64_t ready = 0;    // fork servers ready now, all keys
  int64_t target = 0;   // fork servers wanted: size x keys seen
  int64_t hits = 0;     // runs started warm
  int64_t misses = 0;   // Python runs started cold: no fork server ready
  int64_t passed = 0;   // runs the pool cannot serve (not a Python script ...)
  int64_t started = 0;  // fork servers started
  int64_t start_failures = 0;
  int64_t deaths = 0;      // ready fork servers found dead (replaced)
  std::string last_error;  // why the last fork server start or warm fork failed
};

class WarmPoolLauncher : public ProcessLauncher {
 public:
  WarmPoolLauncher(WarmPoolOptions options, ProcessLauncher& fallback);
  // Stops refilling; fork servers still used by running Processes stay
  // until those are destroyed.
  ~WarmPoolLauncher() override;

  StatusOr<std::unique_ptr<Process>> launch(LaunchSpec spec) override;

  // Starts the pool for runs of `python` with `env` now, so that even the
  // first run is warm (the server calls it at start with the runs' env).
  void prestart(const std::string& python, const std::vector<std::string>& env);

  WarmPoolStats stats() const;

  // Waits until `count` fork servers for runs like `spec` are ready; false
  // at the deadline. For tests and benchmarks.
  bool wait_ready(const LaunchSpec& spec, int count, std::chrono::milliseconds timeout);

 private:
  struct Pool {
    std::string python;
    std::vector<std::string> env;  // the fork server's: the start-up variables
    std::vector<std::shared_ptr<ForkServer>> ready;
    bool starting = false;
    int failures = 0;
    std::chrono::steady_clock::time_point retry_at;
  };

  // Why spec cannot run warm ("" when it can, given a fork server).
  std::string unservable(const LaunchSpec& spec) const;
  std::shared_ptr<ForkServer> pick(Pool& pool);                                    // mu_ held
  Pool* pool_for(const std::string& python, const std::vector<std::string>& env);  // mu_ held
  void refill_loop();

  const WarmPoolOptions options_;
  ProcessLauncher& fallback_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool stopping_ = false;              // guarded by mu_
  std::map<std::string, Pool> pools_;  // guarded by mu_
  WarmPoolStats stats_;                // guarded by mu_ (ready/target computed)
  std::thread refiller_;
};

}  // namespace mortar::jobs
