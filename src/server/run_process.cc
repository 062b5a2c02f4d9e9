#include "server/run_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

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

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

Status errno_status(const std::string& what) {
  return internal_error(what + ": " + std::strerror(errno));
}

constexpr size_t kStderrTail = 256 * 1024;

}  // namespace

std::string last_exception_line(const std::string& text) {
  const std::string marker = "Traceback (most recent call last):";
  size_t at = text.rfind(marker);
  if (at == std::string::npos) return "";
  // The summary is the last line after the traceback that is not indented
  // (frames and source lines are).
  std::string found;
  size_t pos = at + marker.size();
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != ' ' && line[0] != '\t') found = line;
    pos = end + 1;
  }
  return found;
}

StatusOr<ScriptResult> ScriptProcess::run() {
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) return errno_status("cannot create the run log " + log_path_);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return errno_status("pipe");
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return errno_status("pipe");
  }

  // In a terminal's foreground group the child stays in ours, so it can read
  // the terminal and Ctrl-C reaches it directly; otherwise it leads its own
  // group and every stop signal is forwarded to the whole group.
  const bool shared_group = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The in-process server's sockets and database must not leak into the script.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (!shared_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);

  SignalScope signals;
  g_signals_seen = 0;
  g_forward_sigint = shared_group ? 0 : 1;
  std::vector<char*> argv = c_strings(argv_);
  std::vector<char*> envp = c_strings(env_);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(log_fd);
    return invalid_input("cannot start " + argv_[0] + ": " + std::strerror(rc));
  }
  g_target = shared_group ? pid : -pid;

  std::string err_tail;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  const int terminal[2] = {STDOUT_FILENO, STDERR_FILENO};
  int open_count = 2;
  bool exited = false;
  int status = 0;
  char buf[64 * 1024];
  while (open_count > 0) {
    // Once the child is gone, drain what is buffered and stop: a background
    // grandchild holding the pipes open must not keep `mortar run` waiting.
    int ready = ::poll(fds, 2, exited ? 0 : 200);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      write_all(terminal[i], buf, static_cast<size_t>(n));
      write_all(log_fd, buf, static_cast<size_t>(n));
      if (i == 1) {
        err_tail.append(buf, static_cast<size_t>(n));
        if (err_tail.size() > 2 * kStderrTail) err_tail.erase(0, err_tail.size() - kStderrTail);
      }
    }
    if (!exited) {
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
    } else if (ready == 0) {
      break;
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) ::close(p.fd);
  }
  while (!exited) {
    pid_t got = ::waitpid(pid, &status, 0);
    if (got == pid) exited = true;
    if (got < 0 && errno != EINTR) break;
  }
  g_target = 0;
  ::close(log_fd);

  ScriptResult result;
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  if (result.exit_code != 0) result.exception_line = last_exception_line(err_tail);
  return result;
}

}  // namespace mortar::server
