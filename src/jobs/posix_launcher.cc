#include "jobs/posix_launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "jobs/exception_line.h"
#include "jobs/output_pump.h"

namespace mortar::jobs {
namespace {

Status errno_status(const std::string& what, int err) {
  return internal_error(what + ": " + std::strerror(err));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// What the vfork child reports through the status pipe when it cannot exec.
struct ChildFailure {
  int step;  // kStep*
  int err;   // errno
};
constexpr int kStepChdir = 1;
constexpr int kStepExec = 2;
constexpr int kStepSetup = 3;

// Everything the child needs, prepared before vfork so that the child only
// makes system calls (no allocation, no locks: it shares the parent's memory).
struct ChildPlan {
  const char* program = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* cwd = nullptr;  // null: stay in the parent's
  int stdin_fd = -1;          // -1: keep the parent's stdin
  int stdout_fd = -1;
  int stderr_fd = -1;
  int status_fd = -1;
  bool new_group = true;
  struct Limit {
    int resource;
    rlimit value;
  };
  Limit limits[3];
  int limit_count = 0;
};

[[noreturn]] void fail_child(int fd, int step) {
  ChildFailure f{step, errno};
  ssize_t ignored = ::write(fd, &f, sizeof f);
  (void)ignored;
  ::_exit(127);
}

bool move_fd(int from, int to) {
  if (from == to) return ::fcntl(to, F_SETFD, 0) == 0;  // drop O_CLOEXEC
  return ::dup2(from, to) == to;
}

[[noreturn]] void run_child(const ChildPlan& p) {
  // Default dispositions before unblocking, so no parent handler runs here.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  if (p.new_group && ::setpgid(0, 0) != 0) fail_child(p.status_fd, kStepSetup);
  if (p.stdin_fd >= 0 && !move_fd(p.stdin_fd, STDIN_FILENO)) fail_child(p.status_fd, kStepSetup);
  if (!move_fd(p.stdout_fd, STDOUT_FILENO) || !move_fd(p.stderr_fd, STDERR_FILENO)) {
    fail_child(p.status_fd, kStepSetup);
  }
  for (int i = 0; i < p.limit_count; ++i) {
    if (::setrlimit(p.limits[i].resource, &p.limits[i].value) != 0) {
      fail_child(p.status_fd, kStepSetup);
    }
  }
  if (p.cwd != nullptr && ::chdir(p.cwd) != 0) fail_child(p.status_fd, kStepChdir);
  // Nothing of the server's (sockets, the database, other runs' pipes)
  // reaches the script; the status pipe is close-on-exec.
  if (p.status_fd > 3) ::close_range(3, static_cast<unsigned>(p.status_fd) - 1, 0);
  ::close_range(static_cast<unsigned>(p.status_fd) + 1, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(p.program, p.argv, p.envp);
  fail_child(p.status_fd, kStepExec);
}

// vfork in a frame of its own, so no variable of the caller lives across it.
__attribute__((noinline)) pid_t spawn_child(const ChildPlan& plan) {
  pid_t pid = ::vfork();
  if (pid == 0) run_child(plan);
  return pid;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The limit to set for `want` (0: none), never above what this process may
// raise to.
void add_limit(ChildPlan& plan, int resource, int64_t want, int64_t hard_slack = 0) {
  if (want <= 0) return;
  rlimit current{};
  if (::getrlimit(resource, &current) != 0) return;
  auto clamp = [&](rlim_t v) {
    return current.rlim_max != RLIM_INFINITY && v > current.rlim_max ? current.rlim_max : v;
  };
  rlimit value{clamp(static_cast<rlim_t>(want)), clamp(static_cast<rlim_t>(want + hard_slack))};
  plan.limits[plan.limit_count++] = {resource, value};
}

std::string env_value(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& kv : env) {
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 &&
        kv[name.size()] == '=') {
      return kv.substr(name.size() + 1);
    }
  }
  return "";
}

class PosixProcess : public Process {
 public:
  PosixProcess(pid_t pid, bool own_group, int out_fd, int err_fd,
               std::function<void(OutputStream, std::string_view)> on_output)
      : pid_(pid), own_group_(own_group), on_output_(std::move(on_output)) {
    fds_[0] = out_fd;
    fds_[1] = err_fd;
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    reader_ = std::thread([this] { read_until_exit(); });
  }

  ~PosixProcess() override {
    signal_target(SIGKILL);
    if (reader_.joinable()) reader_.join();
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  int pid() const override { return pid_; }
  void terminate() override { signal_target(SIGTERM); }
  void kill() override { signal_target(SIGKILL); }

  ExitInfo wait() override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return done_; });
    return info_;
  }

 private:
  // The leader is a zombie at worst (never reaped before the destructor), so
  // its pid still names this group and no other process.
  void signal_target(int sig) {
    if (own_group_) {
      ::kill(-pid_, sig);
    } else {
      std::lock_guard<std::mutex> lock(mu_);
      if (!exited_) ::kill(pid_, sig);
    }
  }

  // The exit status without reaping; false while it runs.
  bool check_exit() {
    siginfo_t si{};
    int rc;
    do {
      rc = ::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOWAIT | WNOHANG);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {  // ECHILD: reaped behind our back (SIGCHLD ignored?)
      status_ = {255, 0};
      return true;
    }
    if (si.si_pid != pid_) return false;
    if (si.si_code == CLD_EXITED) {
      status_ = {si.si_status, 0};
    } else {
      status_ = {128 + si.si_status, si.si_status};
    }
    return true;
  }

  void read_until_exit() {
    const std::string tail = pump_output(
        {fds_[0], fds_[1], pidfd_},
        [this] {
          if (!check_exit()) return false;
          std::lock_guard<std::mutex> lock(mu_);
          exited_ = true;
          return true;
        },
        on_output_);
    fds_[0] = fds_[1] = -1;
    close_fd(pidfd_);
    ExitInfo info;
    info.exit_code = status_.first;
    info.signal = status_.second;
    if (info.exit_code != 0) info.exception_line = last_exception_line(tail);
    std::lock_guard<std::mutex> lock(mu_);
    info_ = std::move(info);
    done_ = true;
    exited_ = true;
    cv_.notify_all();
  }

  const pid_t pid_;
  const bool own_group_;
  std::function<void(OutputStream, std::string_view)> on_output_;
  int fds_[2] = {-1, -1};
  int pidfd_ = -1;
  std::pair<int, int> status_{0, 0};  // exit code, signal (reader thread only)
  std::thread reader_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool exited_ = false;  // guarded by mu_
  bool done_ = false;    // guarded by mu_
  ExitInfo info_;        // guarded by mu_
};

}  // namespace

StatusOr<std::string> resolve_program(const std::string& argv0, const std::string& path_list) {
  if (argv0.find('/') != std::string::npos) return argv0;
  std::string list = path_list.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_list;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(':', pos);
    if (end == std::string::npos) end = list.size();
    std::string dir = list.substr(pos, end - pos);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + argv0;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    pos = end + 1;
  }
  return not_found(argv0 + " is not in PATH (" + list + ")");
}

StatusOr<std::unique_ptr<Process>> PosixLauncher::launch(LaunchSpec spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return invalid_input("no program to start");
  std::string path_list = env_value(spec.env, "PATH");
  if (path_list.empty() && std::getenv("PATH") != nullptr) path_list = std::getenv("PATH");
  StatusOr<std::string> program = resolve_program(spec.argv[0], path_list);
  if (!program.ok()) {
    return invalid_input("cannot start " + spec.argv[0] + ": " +
                         std::string(status_message(program.status())));
  }

  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, status_pipe[2] = {-1, -1};
  int null_fd = -1;
  auto close_all = [&] {
    for (int* p : {out_pipe, err_pipe, status_pipe}) {
      close_fd(p[0]);
      close_fd(p[1]);
    }
    close_fd(null_fd);
  };
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
      pipe2(status_pipe, O_CLOEXEC) != 0) {
    int err = errno;
    close_all();
    return errno_status("cannot create the process's pipes", err);
  }
  if (!options_.inherit_stdin) {
    null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) {
      int err = errno;
      close_all();
      return errno_status("cannot open /dev/null", err);
    }
  }

  std::vector<char*> argv = c_strings(spec.argv);
  std::vector<char*> envp = c_strings(spec.env);
  ChildPlan plan;
  plan.program = program->c_str();
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.cwd = spec.working_dir.empty() ? nullptr : spec.working_dir.c_str();
  plan.stdin_fd = null_fd;
  plan.stdout_fd = out_pipe[1];
  plan.stderr_fd = err_pipe[1];
  plan.status_fd = status_pipe[1];
  plan.new_group = !options_.share_process_group;
  add_limit(plan, RLIMIT_AS, spec.limits.memory_bytes);
  // The soft CPU limit sends SIGXCPU; the hard one, a little later, SIGKILL.
  add_limit(plan, RLIMIT_CPU, spec.limits.cpu_seconds, 5);
  add_limit(plan, RLIMIT_NOFILE, spec.limits.open_files);

  // Signals stay blocked across vfork: the child shares our memory until it
  // execs, so none of our handlers may run in it.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = spawn_child(plan);
  int spawn_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  close_fd(status_pipe[1]);
  close_fd(null_fd);
  if (pid < 0) {
    close_all();
    return errno_status("cannot start " + spec.argv[0], spawn_errno);
  }
  // The status pipe closes on exec; a report means the child never got there.
  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(status_pipe[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  close_fd(status_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    close_all();
    const std::string why = std::strerror(failure.err);
    if (failure.step == kStepChdir) {
      return invalid_input("cannot start " + spec.argv[0] + ": cannot enter the working dir " +
                           spec.working_dir + ": " + why);
    }
    if (failure.step == kStepExec) return invalid_input("cannot start " + *program + ": " + why);
    return internal_error("cannot set up the process for " + spec.argv[0] + ": " + why);
  }
  auto process = std::make_unique<PosixProcess>(pid, !options_.share_process_group, out_pipe[0],
                                                err_pipe[0], std::move(spec.on_output));
  return std::unique_ptr<Process>(std::move(process));
}

}  // namespace mortar::jobs
