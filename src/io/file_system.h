// FileSystem: where data lives. The local implementation serves plain paths
// and file:// URIs; the S3 implementation (Data I/O part 2) serves s3://
// behind the same interface. Errors name the path.
// Thread-safe: a FileSystem may be shared; streams and files belong to one
// thread (RandomAccessFile::read_at is safe from several threads).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::io {

struct FileInfo {
  std::string path;         // as the FileSystem names it (URI or path)
  int64_t size = 0;
  int64_t mtime_micros = 0;
  bool is_directory = false;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual int64_t size() const = 0;
  // Reads up to n bytes at offset into out (resized to what was read; short
  // only at end of file).
  virtual Status read_at(int64_t offset, int64_t n, std::string* out) const = 0;
  virtual const std::string& path() const = 0;
};

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to n bytes; 0 at end of stream.
  virtual StatusOr<int64_t> read(char* buffer, int64_t n) = 0;
  virtual const std::string& path() const = 0;
};

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status write(std::string_view bytes) = 0;
  // Makes the data visible at its path (local: write to a temp name, rename
  // on close; S3: complete the upload). A stream destroyed without close()
  // leaves nothing behind.
  virtual Status close() = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual StatusOr<FileInfo> stat(const std::string& path) = 0;
  // Every file under `path` (recursively), sorted by path; a file path lists itself.
  virtual StatusOr<std::vector<FileInfo>> list_recursive(const std::string& path) = 0;
  virtual StatusOr<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) = 0;
  virtual StatusOr<std::unique_ptr<InputStream>> open_input(const std::string& path) = 0;
  // Creates parent directories as needed.
  virtual StatusOr<std::unique_ptr<OutputStream>> open_output(const std::string& path) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove(const std::string& path) = 0;  // file or directory tree
  virtual Status make_directories(const std::string& path) = 0;
};

// The local file system (plain paths and file:// URIs).
FileSystem& local_file_system();

// The FileSystem for a path or URI by its scheme (none/file -> local).
// Unknown schemes -> InvalidArgument.
StatusOr<FileSystem*> file_system_for(const std::string& uri);

// Joins a directory path/URI and a relative name with one '/'.
std::string join_path(std::string_view dir, std::string_view name);

}  // namespace mortar::io
