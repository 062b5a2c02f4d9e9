#include "events/directory_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace mortar::events {
namespace {

constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR;

bool hidden(const std::string& name) { return name.empty() || name[0] == '.'; }

// Size and mtime of a regular file; false when it is not one (or is gone).
bool file_info(const std::string& path, int64_t* size, int64_t* mtime) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *size = st.st_size;
  *mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return true;
}

}  // namespace

DirectoryWatcher::DirectoryWatcher(bool use_inotify, int poll_interval_millis)
    : poll_interval_millis_(poll_interval_millis) {
  if (use_inotify) inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

DirectoryWatcher::~DirectoryWatcher() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void DirectoryWatcher::watch(const std::string& dir) {
  if (dirs_.count(dir)) return;
  Dir& d = dirs_[dir];
  if (inotify_fd_ >= 0) d.wd = ::inotify_add_watch(inotify_fd_, dir.c_str(), kMask);
  if (d.wd >= 0) {
    by_wd_[d.wd] = dir;
    return;
  }
  std::vector<FileEvent> ignored;
  scan(dir, d, /*initial=*/true, ignored);
}

void DirectoryWatcher::unwatch(const std::string& dir) {
  auto it = dirs_.find(dir);
  if (it == dirs_.end()) return;
  if (it->second.wd >= 0) {
    ::inotify_rm_watch(inotify_fd_, it->second.wd);
    by_wd_.erase(it->second.wd);
  }
  dirs_.erase(it);
}

std::set<std::string> DirectoryWatcher::watched() const {
  std::set<std::string> out;
  for (const auto& [path, d] : dirs_) out.insert(path);
  return out;
}

bool DirectoryWatcher::uses_inotify(const std::string& dir) const {
  auto it = dirs_.find(dir);
  return it != dirs_.end() && it->second.wd >= 0;
}

void DirectoryWatcher::wake() {
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
}

void DirectoryWatcher::scan(const std::string& path, Dir& dir, bool initial,
                            std::vector<FileEvent>& out) {
  std::error_code ec;
  std::map<std::string, Seen> now;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    Seen s;
    if (hidden(name) || !file_info(it->path().string(), &s.size, &s.mtime)) continue;
    auto before = dir.files.find(name);
    if (initial) {
      s.reported = true;  // there before the watch began
    } else if (before != dir.files.end() && before->second.size == s.size &&
               before->second.mtime == s.mtime) {
      // Unchanged over a whole poll interval: complete.
      s.reported = before->second.reported;
      if (!s.reported) {
        out.push_back({path, name, s.size});
        s.reported = true;
      }
    }
    now[name] = s;
  }
  dir.files = std::move(now);
}

void DirectoryWatcher::read_inotify(std::vector<FileEvent>& out) {
  alignas(struct inotify_event) char buf[16384];
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) return;
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
      auto dir = by_wd_.find(e->wd);
      if (dir == by_wd_.end()) continue;
      if (e->mask & IN_IGNORED) {
        // The directory went away: poll for it from now on.
        const std::string path = dir->second;
        by_wd_.erase(dir);
        dirs_[path].wd = -1;
        continue;
      }
      const std::string name = e->len > 0 ? std::string(e->name) : std::string();
      if (hidden(name) || (e->mask & IN_ISDIR)) continue;
      int64_t size = 0, mtime = 0;
      if (!file_info(dir->second + "/" + name, &size, &mtime)) continue;
      out.push_back({dir->second, name, size});
    }
  }
}

std::vector<FileEvent> DirectoryWatcher::wait(int timeout_millis) {
  std::vector<FileEvent> out;
  struct pollfd fds[2];
  int n = 0;
  if (wake_fd_ >= 0) fds[n++] = {wake_fd_, POLLIN, 0};
  if (inotify_fd_ >= 0) fds[n++] = {inotify_fd_, POLLIN, 0};
  if (::poll(fds, n, timeout_millis) > 0) {
    uint64_t count;
    if (wake_fd_ >= 0) (void)!::read(wake_fd_, &count, sizeof count);
    if (inotify_fd_ >= 0) read_inotify(out);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  if (now - last_scan_millis_ < poll_interval_millis_) return out;
  last_scan_millis_ = now;
  for (auto& [path, dir] : dirs_) {
    if (dir.wd < 0) scan(path, dir, /*initial=*/false, out);
  }
  return out;
}

}  // namespace mortar::events
