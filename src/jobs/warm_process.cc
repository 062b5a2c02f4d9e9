#include "jobs/warm_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "jobs/exception_line.h"

namespace mortar::jobs {
namespace {

// As the cold launcher: after the exit, drain what is buffered; a background
// grandchild that keeps writing does not keep the run waiting longer.
constexpr auto kDrainLimit = std::chrono::milliseconds(500);

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

struct WarmProcess::Shared {
  int event_fd = -1;  // readable once the exit is known
  std::mutex mu;
  std::condition_variable cv;
  std::optional<ChildExit> exit;  // guarded by mu
  bool done = false;              // guarded by mu: exited and drained
  ExitInfo info;                  // guarded by mu

  ~Shared() {
    if (event_fd >= 0) ::close(event_fd);
  }
  void on_exit(ChildExit e) {
    {
      std::lock_guard<std::mutex> lock(mu);
      exit = e;
    }
    uint64_t one = 1;
    ssize_t ignored = ::write(event_fd, &one, sizeof one);
    (void)ignored;
  }
};

StatusOr<std::unique_ptr<Process>> WarmProcess::start(std::shared_ptr<ForkServer> server,
                                                      LaunchSpec spec) {
  auto shared = std::make_shared<Shared>();
  shared->event_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (shared->event_fd < 0) return internal_error(std::string("eventfd: ") + std::strerror(errno));
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return internal_error(std::string("cannot create the process's pipes: ") +
                          std::strerror(errno));
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int err = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return internal_error(std::string("cannot create the process's pipes: ") + std::strerror(err));
  }
  StatusOr<pid_t> pid =
      server->spawn(spec, out_pipe[1], err_pipe[1], [shared](ChildExit e) { shared->on_exit(e); });
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!pid.ok()) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return pid.status();
  }
  return std::unique_ptr<Process>(new WarmProcess(std::move(server), std::move(shared), *pid,
                                                  out_pipe[0], err_pipe[0],
                                                  std::move(spec.on_output)));
}

WarmProcess::WarmProcess(std::shared_ptr<ForkServer> server, std::shared_ptr<Shared> shared,
                         pid_t pid, int out_fd, int err_fd,
                         std::function<void(OutputStream, std::string_view)> on_output)
    : server_(std::move(server)),
      shared_(std::move(shared)),
      pid_(pid),
      fds_{out_fd, err_fd},
      on_output_(std::move(on_output)) {
  reader_ = std::thread([this] { read_until_exit(); });
}

WarmProcess::~WarmProcess() {
  // What is left of the group (the child, background grandchildren) goes;
  // the fork server keeps the child a zombie until released, so the group id
  // is still this run's.
  server_->signal_group(pid_, SIGKILL);
  if (reader_.joinable()) reader_.join();
  server_->release(pid_);
}

void WarmProcess::terminate() { server_->signal_group(pid_, SIGTERM); }
void WarmProcess::kill() { server_->signal_group(pid_, SIGKILL); }

ExitInfo WarmProcess::wait() {
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->cv.wait(lock, [&] { return shared_->done; });
  return shared_->info;
}

void WarmProcess::read_until_exit() {
  StderrTail tail;
  pollfd fds[3] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}, {shared_->event_fd, POLLIN, 0}};
  bool exited = false;
  std::chrono::steady_clock::time_point drain_until;
  char buf[64 * 1024];
  while (true) {
    const bool pipes_open = fds[0].fd >= 0 || fds[1].fd >= 0;
    if (exited && !pipes_open) break;
    int ready = ::poll(fds, 3, exited ? 0 : -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        close_fd(fds[i].fd);
        continue;
      }
      std::string_view chunk(buf, static_cast<size_t>(n));
      if (i == 1) tail.append(chunk);
      if (on_output_) on_output_(i == 0 ? OutputStream::kStdout : OutputStream::kStderr, chunk);
    }
    if (!exited) {
      if (fds[2].revents != 0) {
        exited = true;
        fds[2].fd = -1;  // stays readable: ignore from now on
        drain_until = std::chrono::steady_clock::now() + kDrainLimit;
      }
    } else if (ready == 0 || std::chrono::steady_clock::now() > drain_until) {
      break;  // drained; a grandchild holding the pipes does not hold the run
    }
  }
  for (int i = 0; i < 2; ++i) close_fd(fds[i].fd);
  fds_[0] = fds_[1] = -1;
  std::lock_guard<std::mutex> lock(shared_->mu);
  ExitInfo info;
  if (shared_->exit) {
    info.exit_code = shared_->exit->exit_code;
    info.signal = shared_->exit->signal;
  } else {
    info.exit_code = 255;  // poll failed: nothing better to say
  }
  if (info.exit_code != 0) info.exception_line = last_exception_line(tail.text());
  info.warm = true;
  shared_->info = std::move(info);
  shared_->done = true;
  shared_->cv.notify_all();
}

}  // namespace mortar::jobs
