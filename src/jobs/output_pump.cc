#include "jobs/output_pump.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>

#include "jobs/exception_line.h"

namespace mortar::jobs {
namespace {

// How long the pump keeps draining after the exit: what the child wrote is
// already buffered, so this only bounds a background grandchild that keeps
// writing.
constexpr auto kDrainLimit = std::chrono::milliseconds(500);

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

std::string pump_output(OutputPipes pipes, const std::function<bool()>& has_exited,
                        const std::function<void(OutputStream, std::string_view)>& on_output) {
  StderrTail tail;
  pollfd fds[3] = {
      {pipes.out_fd, POLLIN, 0}, {pipes.err_fd, POLLIN, 0}, {pipes.exit_fd, POLLIN, 0}};
  bool exited = false;
  std::chrono::steady_clock::time_point drain_until;
  char buf[64 * 1024];
  while (true) {
    const bool pipes_open = fds[0].fd >= 0 || fds[1].fd >= 0;
    if (exited && !pipes_open) break;
    int timeout = exited ? 0 : (pipes.exit_fd >= 0 ? -1 : 100);
    int ready = ::poll(fds, 3, timeout);
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
      if (on_output) on_output(i == 0 ? OutputStream::kStdout : OutputStream::kStderr, chunk);
    }
    if (!exited) {
      if ((pipes.exit_fd < 0 || fds[2].revents != 0 || !pipes_open) && has_exited()) {
        exited = true;
        fds[2].fd = -1;  // stays readable: ignore from now on
        drain_until = std::chrono::steady_clock::now() + kDrainLimit;
      }
    } else if (ready == 0 || std::chrono::steady_clock::now() > drain_until) {
      break;  // drained; a grandchild holding the pipes does not hold the run
    }
  }
  for (int i = 0; i < 2; ++i) close_fd(fds[i].fd);
  return tail.text();
}

}  // namespace mortar::jobs
