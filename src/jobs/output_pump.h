// The one loop that streams a run's stdout and stderr while it runs, used by
// both launchers (PosixLauncher's children and the warm pool's forks): reads
// both pipes until the child has exited and what it wrote is drained, keeping
// the tail of stderr for the run's ErrorMessage.
//
// Thread-compatible: one reader thread per process calls it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "jobs/process_launcher.h"

namespace mortar::jobs {

struct OutputPipes {
  int out_fd = -1;  // the child's stdout, read end; closed by pump_output
  int err_fd = -1;  // stderr
  // Readable once the child may have exited (a pidfd, an eventfd); -1: none,
  // the pump then asks has_exited() every 100 ms.
  int exit_fd = -1;
};

// Streams both pipes to `on_output` (may be empty) until `has_exited()` says
// the child is gone -- asked when exit_fd is readable, when both pipes have
// closed, or on each wake-up without exit_fd -- and the pipes are drained, at
// most 500 ms past the exit (a background grandchild still holding the pipes
// does not hold the run). Closes both pipes; returns the tail of stderr.
std::string pump_output(OutputPipes pipes, const std::function<bool()>& has_exited,
                        const std::function<void(OutputStream, std::string_view)>& on_output);

}  // namespace mortar::jobs
