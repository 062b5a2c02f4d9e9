// The listing manifest (store component "crawl_manifest"): what each
// crawler saw at its last crawl — every listed file's size, mtime and ETag
// and, for files that were classified, their classification. A re-crawl
// reuses the classification of unchanged files, and CRAWL_NEW_FOLDERS_ONLY
// plans only folders absent from it.
//
// Classifications are interned: files with the same classification (apart
// from their record figures, which are kept per file) share one row in
// crawl_manifest_classes, so 100,000 files of one format cost one parse.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "crawler/crawl_types.h"
#include "store/store.h"

namespace mortar::crawler {

struct ManifestEntry {
  int64_t size = 0;
  int64_t mtime_micros = 0;
  std::string etag;
  std::string class_hash;  // "" when the file was not classified
  int64_t record_count = 0;
  int64_t average_record_size = 0;
};

// One crawler's manifest in memory.
struct ManifestSnapshot {
  std::unordered_map<std::string, ManifestEntry> files;  // by path
  std::unordered_map<std::string, std::shared_ptr<const Classification>> classes;  // by hash

  bool empty() const { return files.empty(); }
  // The classification recorded for `file` when its size, mtime and ETag
  // are unchanged; null otherwise.
  const ManifestEntry* unchanged(const FileEntry& file) const;
};

// A file as the new manifest records it.
struct ManifestRecord {
  FileEntry file;
  std::shared_ptr<const Classification> classification;  // null: not classified
  std::string class_hash;  // when known (reused from the old manifest), else computed
  int64_t record_count = 0;
  int64_t average_record_size = 0;
};

class CrawlManifest {
 public:
  static Status migrate(store::Store& store);
  static StatusOr<ManifestSnapshot> load(store::Store& store, const std::string& crawler);
  // Replaces the crawler's manifest by `records` in one transaction, writing
  // only the rows that differ from `previous` (what load() returned). With
  // `scopes`, only previous files under one of those folders are replaced
  // (a CatalogTarget's table location); without, all of them.
  static Status save(store::Store& store, const std::string& crawler,
                     const ManifestSnapshot& previous, const std::vector<ManifestRecord>& records,
                     const std::vector<std::string>& scopes = {});
  static Status drop(store::Store& store, const std::string& crawler);

  // The interned form of a classification: its JSON without the per-file
  // figures and reason, and that text's hash.
  static std::string class_text(const Classification& c);
  static std::string class_hash(const std::string& text);
};

}  // namespace mortar::crawler
