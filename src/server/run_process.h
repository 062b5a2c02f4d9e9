// The child process of `mortar run`: the Python interpreter running a Glue
// script. Its stdout and stderr are copied, as they arrive, to this process's
// stdout/stderr and to one log file; SIGINT/SIGTERM sent to `mortar run` are
// passed on to it (a second one kills it).
//
// Not thread-safe: one ScriptProcess at a time per process (it installs
// process-wide SIGINT/SIGTERM handlers while it runs).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace mortar::server {

struct ScriptResult {
  int exit_code = 0;   // the script's, or 128 + signal when a signal ended it
  int signal = 0;      // the signal that ended it, 0 if it exited
  // The last line of the last Python traceback on stderr ("ValueError: boom"),
  // empty when there was none.
  std::string exception_line;
};

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

// The last line of the last "Traceback (most recent call last):" block in
// `text` (Python's summary line), or "" when there is none.
std::string last_exception_line(const std::string& text);

}  // namespace mortar::server
