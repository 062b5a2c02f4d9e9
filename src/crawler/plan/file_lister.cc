#include "crawler/plan/file_lister.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "io/local_file_system.h"

namespace mortar::crawler {

namespace {

std::string strip_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/' && !path.ends_with("://")) path.pop_back();
  return path;
}

int64_t mtime_of(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
}

struct DirFrame {
  std::string local;     // local path of the folder
  std::string relative;  // below the include path ("" for the root)
  std::vector<std::pair<dev_t, ino_t>> ancestors;  // for symlink loop detection
};

class LocalWalker {
 public:
  LocalWalker(const std::string& root_name, const ListOptions& options, TargetListing& out,
              std::vector<CrawlProblem>& problems)
      : root_name_(root_name), options_(options), out_(out), problems_(problems) {}

  Status walk(const std::string& local_root) {
    struct stat st;
    if (::stat(local_root.c_str(), &st) != 0) {
      problems_.push_back({root_name_, fmt::format("include path cannot be read: {}",
                                                   std::strerror(errno))});
      return ok_status();
    }
    if (!S_ISDIR(st.st_mode)) {
      // A file include path lists itself.
      add_file(local_root, "", st, root_name_);
      return ok_status();
    }
    std::vector<DirFrame> stack;
    stack.push_back({local_root, "", {{st.st_dev, st.st_ino}}});
    while (!stack.empty()) {
      if (options_.cancel && options_.cancel->cancelled()) return absl::CancelledError("crawl stopped");
      DirFrame frame = std::move(stack.back());
      stack.pop_back();
      read_dir(frame, stack);
    }
    return ok_status();
  }

 private:
  std::string name_of(const std::string& relative) const {
    return relative.empty() ? root_name_ : root_name_ + "/" + relative;
  }

  void read_dir(const DirFrame& frame, std::vector<DirFrame>& stack) {
    DIR* dir = ::opendir(frame.local.c_str());
    if (!dir) {
      problems_.push_back({name_of(frame.relative) + "/",
                           fmt::format("folder cannot be listed: {}", std::strerror(errno))});
      return;
    }
    int dfd = ::dirfd(dir);
    while (true) {
      errno = 0;
      struct dirent* ent = ::readdir(dir);
      if (!ent) {
        if (errno != 0)
          problems_.push_back({name_of(frame.relative) + "/",
                               fmt::format("listing stopped early: {}", std::strerror(errno))});
        break;
      }
      std::string_view name = ent->d_name;
      if (name == "." || name == "..") continue;
      if (options_.ignore_marker_files && name.starts_with(".")) {
        ++out_.ignored;
        continue;
      }
      std::string relative = frame.relative.empty() ? std::string(name)
                                                    : frame.relative + "/" + std::string(name);
      std::string local = frame.local + "/" + std::string(name);
      struct stat st;
      if (::fstatat(dfd, ent->d_name, &st, 0) != 0) {
        int err = errno;
        struct stat lst;
        bool dangling = err == ENOENT && ::fstatat(dfd, ent->d_name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                        S_ISLNK(lst.st_mode);
        problems_.push_back({name_of(relative), dangling ? "dangling symbolic link"
                                                         : fmt::format("vanished or unreadable "
                                                                       "while listing: {}",
                                                                       std::strerror(err))});
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        if (options_.exclusions && options_.exclusions->matches(relative)) continue;
        auto id = std::make_pair(st.st_dev, st.st_ino);
        if (std::find(frame.ancestors.begin(), frame.ancestors.end(), id) != frame.ancestors.end()) {
          problems_.push_back({name_of(relative),
                               "symbolic link loop: the folder is its own ancestor; not followed"});
          continue;
        }
        DirFrame child{std::move(local), std::move(relative), frame.ancestors};
        child.ancestors.push_back(id);
        stack.push_back(std::move(child));
      } else if (S_ISREG(st.st_mode)) {
        add_file(local, relative, st, name_of(relative));
      }
    }
    ::closedir(dir);
  }

  void add_file(const std::string& local, const std::string& relative, const struct stat& st,
                const std::string& name) {
    (void)local;
    std::string_view base = relative.empty() ? std::string_view(name) : std::string_view(relative);
    if (auto slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
    int64_t size = static_cast<int64_t>(st.st_size);
    if (options_.exclusions && !relative.empty() && options_.exclusions->matches(relative)) {
      ++out_.excluded;
      return;
    }
    if (is_ignored_file(base, size, options_.ignore_marker_files)) {
      ++out_.ignored;
      return;
    }
    ListedFile f;
    f.entry.path = name;
    f.entry.size = size;
    f.entry.mtime_micros = mtime_of(st);
    f.relative = relative;
    out_.files.push_back(std::move(f));
  }

  const std::string& root_name_;
  const ListOptions& options_;
  TargetListing& out_;
  std::vector<CrawlProblem>& problems_;
};

}  // namespace

bool is_ignored_file(std::string_view name, int64_t size, bool markers) {
  if (name.empty() || name.ends_with("/")) return true;  // folder placeholder objects
  if (!markers) return false;
  return size == 0 || name == "_SUCCESS" || name.starts_with("_committed_") ||
         name.starts_with("_started_") || name.ends_with("_$folder$") || name.starts_with(".");
}

StatusOr<TargetListing> list_target(const std::string& include_path, io::FileSystem& fs,
                                    bool use_local_walker, const ListOptions& options,
                                    std::vector<CrawlProblem>& problems) {
  TargetListing out;
  out.root = strip_trailing_slashes(include_path);
  if (use_local_walker) {
    LocalWalker walker(out.root, options, out, problems);
    MORTAR_RETURN_IF_ERROR(walker.walk(strip_trailing_slashes(io::local_path(out.root))));
  } else {
    auto listed = fs.list_recursive(out.root);
    if (!listed.ok()) {
      problems.push_back({out.root, fmt::format("include path cannot be listed: {}",
                                                status_message(listed.status()))});
      return out;
    }
    const std::string prefix = out.root + "/";
    for (auto& info : *listed) {
      if (info.is_directory) continue;
      std::string relative;
      if (info.path.starts_with(prefix)) {
        relative = info.path.substr(prefix.size());
      } else if (info.path != out.root) {
        continue;  // outside the include path (a prefix match like s3://b/data2 for s3://b/data)
      }
      std::string_view base = relative.empty() ? std::string_view(info.path) : relative;
      if (auto slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
      if (relative.ends_with("/")) {
        ++out.ignored;
        continue;
      }
      if (options.exclusions && !relative.empty() && options.exclusions->excludes(relative)) {
        ++out.excluded;
        continue;
      }
      if (options.ignore_marker_files) {
        // Dot-folders too, as the local walker skips them.
        bool hidden = relative.starts_with(".") || relative.find("/.") != std::string::npos;
        if (hidden) {
          ++out.ignored;
          continue;
        }
      }
      if (is_ignored_file(base, info.size, options.ignore_marker_files)) {
        ++out.ignored;
        continue;
      }
      ListedFile f;
      f.entry.path = std::move(info.path);
      f.entry.size = info.size;
      f.entry.mtime_micros = info.mtime_micros;
      f.relative = std::move(relative);
      out.files.push_back(std::move(f));
    }
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const ListedFile& a, const ListedFile& b) { return a.relative < b.relative; });
  return out;
}

}  // namespace mortar::crawler
