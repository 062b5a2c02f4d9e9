// How a job run's process is started: an interface so the run state machine
// is tested with a fake launcher (tests/support/cpp), runs normally start as
// POSIX child processes (posix_launcher.h), and Python scripts can start from
// a warm pool of pre-started interpreters (warm_pool.h) -- all three look the
// same to the caller.
//
// Every process runs in its own process group with the given rlimits and
// working dir, and sees only `env`; none of the server's descriptors leak in.
//
// Thread-safety: launch() may be called from any thread; a Process is used by
// one owner (terminate()/kill() may be called from another thread while a
// third waits in wait()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::jobs {

// 0 means "no limit" (inherit the server's).
struct ResourceLimits {
  int64_t memory_bytes = 0;  // RLIMIT_AS
  int64_t cpu_seconds = 0;   // RLIMIT_CPU
  int64_t open_files = 0;    // RLIMIT_NOFILE
};

enum class OutputStream { kStdout, kStderr };

struct LaunchSpec {
  // argv[0] is the program (searched in PATH when it has no '/'). A Python
  // script is {python, script_path, args...}: a launcher with a warm pool for
  // that interpreter may serve it from the pool.
  std::vector<std::string> argv;
  std::vector<std::string> env;  // the child's whole environment, "KEY=value"
  std::string working_dir;       // exists; the child's cwd
  ResourceLimits limits;
  // Each chunk of output as it arrives (not split into lines), from a reader
  // thread of the launcher, in order per stream. Must not block for long.
  std::function<void(OutputStream, std::string_view)> on_output;
};

struct ExitInfo {
  int exit_code = 0;  // the process's, or 128 + signal when a signal ended it
  int signal = 0;     // the signal that ended it, 0 if it exited
  // The last line of the last Python traceback on stderr ("ValueError: boom"),
  // empty when there was none.
  std::string exception_line;
  bool warm = false;  // served from a warm pool
};

class Process {
 public:
  // Kills the whole group if it still runs, and reaps it.
  virtual ~Process() = default;
  virtual int pid() const = 0;
  // SIGTERM to the process group (the script may clean up).
  virtual void terminate() = 0;
  // SIGKILL to the process group.
  virtual void kill() = 0;
  // Blocks until the process has exited and its output is drained (a
  // background grandchild holding the pipes open does not keep it waiting).
  virtual ExitInfo wait() = 0;
};

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  // Starts the process; an error only when it could not start (the program
  // is missing, the working dir is not there ...).
  virtual StatusOr<std::unique_ptr<Process>> launch(LaunchSpec spec) = 0;
};

}  // namespace mortar::jobs
