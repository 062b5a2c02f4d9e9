// The child process of `mortar run`: the Python interpreter running a Glue
// script, started by jobs::PosixLauncher as job runs are. Its stdout and
// stderr are copied, as they arrive, to this process's stdout/stderr and to
// one log file; SIGINT/SIGTERM sent to `mortar run` are passed on to it (a
// second one kills it). Background processes it leaves in its own process
// group are killed when it exits.
//
// Not thread-safe: one ScriptProcess at a time per process (it installs
// process-wide SIGINT/SIGTERM handlers while it runs).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/process_launcher.h"

namespace mortar::server {

// The script's exit code (128 + signal when a signal ended it), the signal,
// and its last exception line.
using ScriptResult = jobs::ExitInfo;

class ScriptProcess {
 public:
  // argv[0] is the program (searched in PATH when it has no '/'); env is the
  // child's whole environment ("KEY=value").
  ScriptProcess(std::vector<std::string> argv, std::vector<std::string> env,
                std::string log_path)
      : argv_(std::move(argv)), env_(std::move(env)), log_path_(std::move(log_path)) {}

  // Starts the child and waits for it. Errors only when it could not start.
  StatusOr<ScriptResult> run();

 private:
  std::vector<std::string> argv_;
  std::vector<std::string> env_;
  std::string log_path_;
};

}  // namespace mortar::server
