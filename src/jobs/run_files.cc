#include "jobs/run_files.h"

#include <filesystem>
#include <fstream>

#include "io/file_system.h"
#include "io/io_util.h"
#include "jobs/run_arguments.h"

namespace mortar::jobs {
namespace {

namespace fs = std::filesystem;

// Scripts and Python libraries, not data: a bound against a wrong location.
constexpr int64_t kMaxFetchBytes = 256LL << 20;

bool is_s3(const std::string& location) { return location.rfind("s3://", 0) == 0; }

std::string base_name(const std::string& location) {
  std::string name = location.substr(location.find_last_of('/') + 1);
  return name.empty() || name == "." || name == ".." ? "file" : name;
}

// A local location as a path: file:// stripped; relative paths refused (they
// would depend on the server's working dir).
StatusOr<std::string> local_path(const std::string& location, const std::string& what) {
  std::string path = location;
  if (path.rfind("file://", 0) == 0) path = path.substr(7);
  if (path.empty() || path[0] != '/') {
    return invalid_input(what + " " + location +
                         " must be an absolute path, a file:// URI or an s3:// URI");
  }
  return path;
}

// Copies an s3:// object to `dir`/<its name>.
StatusOr<std::string> fetch(const std::string& location, const fs::path& dir,
                            const std::string& what) {
  StatusOr<io::FileSystem*> fsys = io::file_system_for(location);
  if (!fsys.ok()) return fsys.status();
  StatusOr<std::string> data = io::read_file(**fsys, location, kMaxFetchBytes);
  if (!data.ok()) {
    if (absl::IsNotFound(data.status())) {
      return not_found(what + " " + location + " does not exist");
    }
    return Status(data.status().code(), to_absl("cannot fetch " + what + " " + location + ": " +
                                                std::string(status_message(data.status()))));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path target = dir / base_name(location);
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out.write(data->data(), static_cast<std::streamsize>(data->size()));
  out.close();
  if (!out) return internal_error("cannot write " + target.string());
  return target.string();
}

}  // namespace

StatusOr<std::string> fetch_script(const std::string& location, const std::string& workdir) {
  if (location.empty()) return invalid_input("the job has no ScriptLocation");
  if (is_s3(location)) return fetch(location, fs::path(workdir) / "script", "the script");
  StatusOr<std::string> path = local_path(location, "the script");
  if (!path.ok()) return path.status();
  std::error_code ec;
  if (!fs::is_regular_file(*path, ec)) {
    return not_found("the script " + location + " does not exist");
  }
  return *path;
}

StatusOr<std::vector<std::string>> fetch_extra_py_files(const std::string& list,
                                                        const std::string& workdir) {
  const fs::path modules = fs::path(workdir) / "py-files";
  std::vector<std::string> entries;
  bool modules_used = false;
  for (const std::string& item : split_list(list)) {
    std::string path;
    if (is_s3(item)) {
      StatusOr<std::string> got = fetch(item, modules, "--extra-py-files entry");
      if (!got.ok()) return got.status();
      path = *got;
    } else {
      StatusOr<std::string> local = local_path(item, "--extra-py-files entry");
      if (!local.ok()) return local.status();
      std::error_code ec;
      if (!fs::exists(*local, ec)) {
        return not_found("--extra-py-files entry " + item + " does not exist");
      }
      path = *local;
      if (fs::is_regular_file(path, ec) && fs::path(path).extension() == ".py") {
        fs::create_directories(modules, ec);
        fs::create_symlink(path, modules / base_name(path), ec);
        if (ec && ec != std::errc::file_exists) {
          return internal_error("cannot link " + path + " into " + modules.string() + ": " +
                                ec.message());
        }
        path = (modules / base_name(path)).string();
      }
    }
    if (fs::path(path).extension() == ".py") {
      modules_used = true;  // importable through the directory
    } else {
      entries.push_back(path);
    }
  }
  if (modules_used) entries.insert(entries.begin(), modules.string());
  return entries;
}

}  // namespace mortar::jobs
