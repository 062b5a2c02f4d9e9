#include "io/local_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace mortar::io {
namespace fs = std::filesystem;
namespace {

Status errno_status(int err, std::string_view what, const std::string& path) {
  std::string msg = std::string(what) + " " + path + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return not_found(msg);
  if (err == EACCES || err == EPERM) return access_denied(msg);
  if (err == EEXIST) return already_exists(msg);
  if (err == EISDIR || err == EINVAL || err == ENAMETOOLONG) return invalid_input(msg);
  return internal_error(msg);
}

Status ec_status(const std::error_code& ec, std::string_view what, const std::string& path) {
  return errno_status(ec.value(), what, path);
}

int64_t mtime_micros(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
}

// The URI prefix the caller used ("file://" or ""), to name results the same way.
std::string uri_prefix(std::string_view path) {
  if (path.starts_with("file:")) return "file://";
  return "";
}

class LocalRandomAccessFile : public RandomAccessFile {
 public:
  LocalRandomAccessFile(std::string path, int fd, int64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalRandomAccessFile() override { ::close(fd_); }

  int64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

  Status read_at(int64_t offset, int64_t n, std::string* out) const override {
    if (offset < 0 || n < 0) {
      return invalid_input("read of " + path_ + ": negative offset or length");
    }
    int64_t avail = std::max<int64_t>(0, size_ - offset);
    n = std::min(n, avail);
    out->resize(static_cast<size_t>(n));
    int64_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out->data() + done, static_cast<size_t>(n - done), offset + done);
      if (r < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, "reading", path_);
      }
      if (r == 0) break;  // file shrank under us
      done += r;
    }
    out->resize(static_cast<size_t>(done));
    return ok_status();
  }

 private:
  std::string path_;
  int fd_;
  int64_t size_;
};

class LocalInputStream : public InputStream {
 public:
  LocalInputStream(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~LocalInputStream() override { ::close(fd_); }

  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    while (true) {
      ssize_t r = ::read(fd_, buffer, static_cast<size_t>(std::max<int64_t>(n, 0)));
      if (r >= 0) return static_cast<int64_t>(r);
      if (errno != EINTR) return errno_status(errno, "reading", path_);
    }
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
};

// Buffers writes (formats write small pieces) into a temp file; close()
// flushes and renames it over the target.
class LocalOutputStream : public OutputStream {
 public:
  static constexpr size_t kBufferSize = 1 << 20;

  LocalOutputStream(std::string path, std::string temp_path, int fd)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
    buffer_.reserve(kBufferSize);
  }
  ~LocalOutputStream() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(temp_path_.c_str());
    }
  }

  Status write(std::string_view bytes) override {
    if (fd_ < 0) return invalid_input("write to closed stream " + path_);
    if (buffer_.size() + bytes.size() > kBufferSize) {
      MORTAR_RETURN_IF_ERROR(flush());
      if (bytes.size() >= kBufferSize) return write_fully(bytes);
    }
    buffer_.append(bytes);
    return ok_status();
  }

  Status close() override {
    if (fd_ < 0) return invalid_input("stream already closed: " + path_);
    Status s = flush();
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && s.ok()) s = errno_status(errno, "closing", temp_path_);
    if (s.ok() && ::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      s = errno_status(errno, "renaming into place", path_);
    }
    if (!s.ok()) ::unlink(temp_path_.c_str());
    return s;
  }

 private:
  Status flush() {
    Status s = write_fully(buffer_);
    buffer_.clear();
    return s;
  }
  Status write_fully(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t w = ::write(fd_, bytes.data(), bytes.size());
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno_status(errno, "writing", path_);
      }
      bytes.remove_prefix(static_cast<size_t>(w));
    }
    return ok_status();
  }

  std::string path_;
  std::string temp_path_;
  int fd_;
  std::string buffer_;
};

std::string temp_name_for(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t seed = std::random_device{}();
  fs::path p(path);
  uint64_t n = seed ^ (static_cast<uint64_t>(::getpid()) << 32) ^ counter.fetch_add(1);
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), ".%016llx.tmp", static_cast<unsigned long long>(n));
  return (p.parent_path() / ("." + p.filename().string() + suffix)).string();
}

}  // namespace

std::string local_path(std::string_view p) {
  if (!p.starts_with("file:")) return std::string(p);
  p.remove_prefix(5);
  if (p.starts_with("//")) {
    p.remove_prefix(2);
    if (p.starts_with("localhost/")) p.remove_prefix(9);
  }
  return std::string(p);
}

StatusOr<FileInfo> LocalFileSystem::stat(const std::string& path) {
  std::string local = local_path(path);
  struct stat st;
  if (::stat(local.c_str(), &st) != 0) return errno_status(errno, "stat", path);
  FileInfo info;
  info.path = path;
  info.is_directory = S_ISDIR(st.st_mode);
  info.size = info.is_directory ? 0 : static_cast<int64_t>(st.st_size);
  info.mtime_micros = mtime_micros(st);
  return info;
}

StatusOr<std::vector<FileInfo>> LocalFileSystem::list_recursive(const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(FileInfo top, stat(path));
  std::vector<FileInfo> out;
  if (!top.is_directory) {
    out.push_back(top);
    return out;
  }
  std::string prefix = uri_prefix(path);
  std::error_code ec;
  fs::recursive_directory_iterator it(local_path(path), fs::directory_options::none, ec), end;
  if (ec) return ec_status(ec, "listing", path);
  for (; it != end; it.increment(ec)) {
    if (ec) return ec_status(ec, "listing", path);
    std::string p = it->path().string();
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) continue;  // vanished or a dangling link
    if (!S_ISREG(st.st_mode)) continue;
    FileInfo info;
    info.path = prefix + p;
    info.size = static_cast<int64_t>(st.st_size);
    info.mtime_micros = mtime_micros(st);
    out.push_back(std::move(info));
  }
  if (ec) return ec_status(ec, "listing", path);
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

StatusOr<std::unique_ptr<RandomAccessFile>> LocalFileSystem::open_random_access(
    const std::string& path) {
  std::string local = local_path(path);
  int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "opening", path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return errno_status(err, "stat", path);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return invalid_input("opening " + path + ": is a directory");
  }
  return std::unique_ptr<RandomAccessFile>(
      new LocalRandomAccessFile(path, fd, static_cast<int64_t>(st.st_size)));
}

StatusOr<std::unique_ptr<InputStream>> LocalFileSystem::open_input(const std::string& path) {
  std::string local = local_path(path);
  int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "opening", path);
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return invalid_input("opening " + path + ": is a directory");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<InputStream>(new LocalInputStream(path, fd));
}

StatusOr<std::unique_ptr<OutputStream>> LocalFileSystem::open_output(const std::string& path) {
  std::string local = local_path(path);
  if (local.empty() || local.back() == '/') return invalid_input("not a file path: " + path);
  fs::path parent = fs::path(local).parent_path();
  if (!parent.empty()) MORTAR_RETURN_IF_ERROR(make_directories(parent.string()));
  std::string temp = temp_name_for(local);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status(errno, "creating", path);
  return std::unique_ptr<OutputStream>(new LocalOutputStream(local, temp, fd));
}

Status LocalFileSystem::rename(const std::string& from, const std::string& to) {
  std::string dst = local_path(to);
  fs::path parent = fs::path(dst).parent_path();
  if (!parent.empty()) MORTAR_RETURN_IF_ERROR(make_directories(parent.string()));
  if (::rename(local_path(from).c_str(), dst.c_str()) != 0) {
    return errno_status(errno, "renaming " + from + " to", to);
  }
  return ok_status();
}

Status LocalFileSystem::remove(const std::string& path) {
  std::string local = local_path(path);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(local, ec))) return not_found("no such path: " + path);
  fs::remove_all(local, ec);
  if (ec) return ec_status(ec, "removing", path);
  return ok_status();
}

Status LocalFileSystem::make_directories(const std::string& path) {
  std::error_code ec;
  std::string local = local_path(path);
  fs::create_directories(local, ec);
  if (ec) return ec_status(ec, "creating directory", path);
  if (!fs::is_directory(local, ec)) return invalid_input("not a directory: " + path);
  return ok_status();
}

}  // namespace mortar::io
