// Lists one S3Target's include path into data files: Exclusions (Glue's
// globs against the path relative to the include path), Glue's ignored
// objects and, when asked, marker files. Local paths and file:// URIs are
// walked here (symlinks followed, loops and unreadable folders reported as
// problems, the listing carries on); other schemes go through
// FileSystem::list_recursive.
#pragma once

#include <string>
#include <vector>

#include "crawler/crawl_types.h"
#include "io/file_system.h"
#include "io/glob_matcher.h"

namespace mortar::crawler {

struct ListedFile {
  FileEntry entry;
  std::string relative;  // path below the include path, '/'-separated
};

struct ListOptions {
  const io::GlobMatcher* exclusions = nullptr;
  bool ignore_marker_files = false;
  const CancelToken* cancel = nullptr;
};

struct TargetListing {
  std::string root;  // the include path without a trailing '/'
  std::vector<ListedFile> files;  // sorted by relative path
  int64_t excluded = 0;           // files dropped by Exclusions
  int64_t ignored = 0;            // marker/placeholder files dropped
};

// True for objects Glue never treats as data (folder placeholders), and with
// `markers` also _SUCCESS, _committed_*, _started_*, *_$folder$, dot-files
// and zero-byte objects.
bool is_ignored_file(std::string_view name, int64_t size, bool markers);

// `use_local_walker`: walk the local file system directly (the path is a
// plain path or file:// URI served by the local FileSystem).
StatusOr<TargetListing> list_target(const std::string& include_path, io::FileSystem& fs,
                                    bool use_local_walker, const ListOptions& options,
                                    std::vector<CrawlProblem>& problems);

}  // namespace mortar::crawler
