// PosixLauncher: a job run (or `mortar run`'s script) as a plain POSIX child
// process -- the one way Mortar starts a script's process; the warm pool
// falls back to it when empty.
//
// The child is started with vfork+execve (cheap even from a large server):
// its own process group (unless `share_process_group`), the LaunchSpec's
// rlimits, working dir and environment only, stdin from /dev/null (unless
// `inherit_stdin`), stdout/stderr on pipes, every other descriptor closed,
// default signal dispositions and an empty signal mask. A failure to exec
// (missing program, bad working dir) is reported by launch(), not as an exit
// code.
//
// One reader thread per process copies its output to on_output and notices
// its exit (through a pidfd). The leader is not reaped until the Process is
// destroyed, so its pid -- the group's id -- cannot be reused while
// terminate()/kill() may still signal the group; the destructor SIGKILLs what
// is left of the group (background grandchildren) and reaps.
//
// Thread-safety: see process_launcher.h. A PosixLauncher is stateless and
// may be shared.
#pragma once

#include <memory>

#include "jobs/process_launcher.h"

namespace mortar::jobs {

struct PosixLauncherOptions {
  // Stay in the caller's process group instead of leading a new one: for a
  // script run from a terminal's foreground group, so it can read the
  // terminal and Ctrl-C reaches it directly. terminate()/kill() then signal
  // the child alone, and no group is killed at the end.
  bool share_process_group = false;
  // The child reads the caller's stdin instead of /dev/null.
  bool inherit_stdin = false;
};

class PosixLauncher : public ProcessLauncher {
 public:
  explicit PosixLauncher(PosixLauncherOptions options = {}) : options_(options) {}
  StatusOr<std::unique_ptr<Process>> launch(LaunchSpec spec) override;

 private:
  PosixLauncherOptions options_;
};

// The path argv0 runs as: itself when it contains '/', else the first
// executable match in `path_list` (a PATH value). NotFound when none.
StatusOr<std::string> resolve_program(const std::string& argv0, const std::string& path_list);

}  // namespace mortar::jobs
