#include "server/run_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cstring>

#include "jobs/posix_launcher.h"

namespace mortar::server {
namespace {

// Where the signal handler forwards to: the child's pid, or -pgid when the
// child leads its own process group. 0 while no child runs.
volatile sig_atomic_t g_target = 0;
volatile sig_atomic_t g_forward_sigint = 1;
volatile sig_atomic_t g_signals_seen = 0;

void forward_signal(int sig) {
  const pid_t target = g_target;
  if (target == 0) return;
  const int seen = g_signals_seen + 1;
  g_signals_seen = seen;
  // A second stop request means "now".
  if (seen > 1) {
    kill(target, SIGKILL);
  } else if (sig != SIGINT || g_forward_sigint) {
    kill(target, sig);
  }
}

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // a closed terminal must not stop the script or the log
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Installs the forwarding handlers (and ignores SIGPIPE) for one run.
class SignalScope {
 public:
  SignalScope() {
    struct sigaction sa {};
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe_);
    // The handlers must be able to run on this thread.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &set, &old_mask_);
  }
  ~SignalScope() {
    g_target = 0;
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  struct sigaction old_int_ {}, old_term_ {}, old_pipe_ {};
  sigset_t old_mask_{};
};

}  // namespace

StatusOr<ScriptResult> ScriptProcess::run() {
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return internal_error("cannot create the run log " + log_path_ + ": " + std::strerror(errno));
  }

  // In a terminal's foreground group the child stays in ours, so it can read
  // the terminal and Ctrl-C reaches it directly; otherwise it leads its own
  // group and every stop signal is forwarded to the whole group.
  const bool shared_group = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
  jobs::PosixLauncher launcher(
      jobs::PosixLauncherOptions{.share_process_group = shared_group, .inherit_stdin = true});
  jobs::LaunchSpec spec;
  spec.argv = argv_;
  spec.env = env_;
  spec.on_output = [log_fd](jobs::OutputStream stream, std::string_view chunk) {
    write_all(stream == jobs::OutputStream::kStdout ? STDOUT_FILENO : STDERR_FILENO, chunk.data(),
              chunk.size());
    write_all(log_fd, chunk.data(), chunk.size());
  };

  SignalScope signals;
  g_signals_seen = 0;
  g_forward_sigint = shared_group ? 0 : 1;
  auto process = launcher.launch(std::move(spec));
  if (!process.ok()) {
    ::close(log_fd);
    return process.status();
  }
  const pid_t pid = (*process)->pid();
  g_target = shared_group ? pid : -pid;
  ScriptResult result = (*process)->wait();
  g_target = 0;
  process->reset();
  ::close(log_fd);
  return result;
}

}  // namespace mortar::server
