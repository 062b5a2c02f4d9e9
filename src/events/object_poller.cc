#include "events/object_poller.h"

namespace mortar::events {

ObjectPoller::ObjectPoller(io::FileSystem& fs, std::string bucket, std::string prefix)
    : fs_(fs), bucket_(std::move(bucket)), prefix_(std::move(prefix)) {
  base_ = bucket_.empty() ? "" : "s3://" + bucket_ + "/";
}

std::unique_ptr<ObjectPoller> ObjectPoller::for_root(io::FileSystem& fs, const std::string& root) {
  return std::make_unique<ObjectPoller>(fs, "", root.ends_with("/") ? root : root + "/");
}

StatusOr<std::vector<ObjectEvent>> ObjectPoller::poll() {
  // List the "directory" holding the prefix; keys are filtered below (a
  // prefix such as "in/day=" is not a directory of its own).
  const std::string& base = base_;
  const std::string dir = prefix_.substr(0, prefix_.rfind('/') + 1);
  auto listed = fs_.list_recursive(base + dir);
  std::vector<io::FileInfo> files;
  if (listed.ok()) {
    files = std::move(*listed);
  } else if (!absl::IsNotFound(listed.status())) {
    return listed.status();
  }
  std::vector<ObjectEvent> out;
  std::map<std::string, std::pair<int64_t, int64_t>> now;
  for (const io::FileInfo& f : files) {
    if (f.is_directory || !f.path.starts_with(base)) continue;
    std::string key = f.path.substr(base.size());
    if (!key.starts_with(prefix_)) continue;
    const std::pair<int64_t, int64_t> state{f.size, f.mtime_micros};
    auto before = seen_.find(key);
    if (primed_ && (before == seen_.end() || before->second != state)) {
      out.push_back({bucket_, key, f.size});
    }
    now.emplace(std::move(key), state);
  }
  seen_ = std::move(now);
  primed_ = true;
  return out;
}

}  // namespace mortar::events
