// ObjectPoller: objects created under an S3 bucket and key prefix, found by
// listing (ListObjectsV2 through io::FileSystem) -- the "aws.s3" event source
// (event_sources.h) without S3's own notifications, which an S3-compatible
// store may not offer -- or everything below a root URI (a local directory
// tree or an s3:// prefix: a crawler's target in CRAWL_EVENT_MODE). The first poll records what
// exists and reports nothing (existing objects never fire); each later poll reports the objects
// that are new, or whose size or modification time changed (an overwrite,
// which S3 also announces as "Object Created"). It keeps the key, size and
// time of every object under the prefix in memory. Not thread-safe: one
// owner (the event sources' loop).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"

namespace mortar::events {

struct ObjectEvent {
  std::string bucket;  // "" for a root URI's poller
  std::string key;     // the full path or URI for a root URI's poller
  int64_t size = 0;
};

class ObjectPoller {
 public:
  // `fs` lists s3:// URIs and must outlive the poller.
  ObjectPoller(io::FileSystem& fs, std::string bucket, std::string prefix);
  // Every file below `root` (a local directory or an s3:// URI), recursively.
  static std::unique_ptr<ObjectPoller> for_root(io::FileSystem& fs, const std::string& root);
  StatusOr<std::vector<ObjectEvent>> poll();

 private:
  io::FileSystem& fs_;
  const std::string bucket_;
  const std::string prefix_;
  std::string base_;  // listed as base_ + the prefix's folder; keys are paths minus base_
  bool primed_ = false;
  std::map<std::string, std::pair<int64_t, int64_t>> seen_;  // key -> (size, mtime)
};

}  // namespace mortar::events
