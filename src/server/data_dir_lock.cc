#include "server/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace mortar::server {
namespace {

constexpr const char* kLockFile = "server.lock";

// The PID the holder wrote ("" if it has not written it yet).
std::string holder_pid(int fd) {
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::acquire(const std::string& data_dir,
                                                            bool create) {
  const std::string path = data_dir + "/" + kLockFile;
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0 && !create && (errno == ENOENT || errno == ENOTDIR)) return nullptr;
  if (fd < 0) return internal_error("cannot open " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = holder_pid(fd);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return internal_error("cannot lock " + path + ": " + std::strerror(err));
    }
    return absl::FailedPreconditionError(
        "data dir " + data_dir + " is in use by mortar serve " +
        (pid.empty() ? std::string("(pid not yet written)") : "pid " + pid) +
        ": one server per data dir (stop it, or use another --data-dir)");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    ::close(fd);
    return internal_error("cannot write " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() { ::close(fd_); }

}  // namespace mortar::server
