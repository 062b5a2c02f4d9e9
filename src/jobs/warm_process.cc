#include "jobs/warm_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "jobs/exception_line.h"
#include "jobs/output_pump.h"

namespace mortar::jobs {

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
  // The eventfd is written only once the exit is known.
  const std::string tail = pump_output(
      {fds_[0], fds_[1], shared_->event_fd},
      [this] {
        std::lock_guard<std::mutex> lock(shared_->mu);
        return shared_->exit.has_value();
      },
      on_output_);
  fds_[0] = fds_[1] = -1;
  std::lock_guard<std::mutex> lock(shared_->mu);
  ExitInfo info;
  if (shared_->exit) {
    info.exit_code = shared_->exit->exit_code;
    info.signal = shared_->exit->signal;
  } else {
    info.exit_code = 255;  // poll failed: nothing better to say
  }
  if (info.exit_code != 0) info.exception_line = last_exception_line(tail);
  info.warm = true;
  shared_->info = std::move(info);
  shared_->done = true;
  shared_->cv.notify_all();
}

}  // namespace mortar::jobs
