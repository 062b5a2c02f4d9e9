#include "io/file_system.h"

#include <cctype>

#include "common/ascii.h"
#include "io/local_file_system.h"
#include "io/s3/s3_file_system.h"

namespace mortar::io {

FileSystem& local_file_system() {
  static LocalFileSystem* instance = new LocalFileSystem();  // never destroyed: used at exit
  return *instance;
}

StatusOr<FileSystem*> file_system_for(const std::string& uri) {
  size_t colon = uri.find(':');
  size_t slash = uri.find('/');
  // No scheme: a plain path (a colon after the first '/' is part of a name).
  if (colon == std::string::npos || (slash != std::string::npos && slash < colon)) {
    return &local_file_system();
  }
  std::string scheme = ascii_lower(std::string_view(uri).substr(0, colon));
  if (scheme == "file") return &local_file_system();
  // "name:with:colons" without "//" is a relative local path, not a URI.
  if (uri.compare(colon, 3, "://") != 0) return &local_file_system();
  if (scheme == "s3") return &s3_file_system();
  return invalid_input("no file system for scheme '" + scheme + "' in " + uri +
                       " (supported: local paths, file:// and s3://)");
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  while (name.starts_with('/')) name.remove_prefix(1);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace mortar::io
