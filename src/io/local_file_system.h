// The local FileSystem: plain paths and file:// URIs (file:///a/b, file:/a/b,
// file://localhost/a/b). Paths it returns keep the caller's spelling: listing
// "file:///d" yields "file:///d/x.csv", listing "/d" yields "/d/x.csv".
// Writes go to a hidden temp file beside the target (".<name>.<random>.tmp")
// renamed into place by close(). Thread-safe (stateless).
#pragma once

#include <string>

#include "io/file_system.h"

namespace mortar::io {

class LocalFileSystem : public FileSystem {
 public:
  StatusOr<FileInfo> stat(const std::string& path) override;
  StatusOr<std::vector<FileInfo>> list_recursive(const std::string& path) override;
  StatusOr<std::unique_ptr<RandomAccessFile>> open_random_access(const std::string& path) override;
  StatusOr<std::unique_ptr<InputStream>> open_input(const std::string& path) override;
  StatusOr<std::unique_ptr<OutputStream>> open_output(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  // Missing paths -> NotFound.
  Status remove(const std::string& path) override;
  Status make_directories(const std::string& path) override;
};

// The local path of a plain path or file:// URI ("file:///a" -> "/a").
std::string local_path(std::string_view path_or_uri);

}  // namespace mortar::io
