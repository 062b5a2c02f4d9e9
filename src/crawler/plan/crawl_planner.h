// Turns a crawler's S3Targets (local paths, file:// or s3:// URIs) into the
// tables and partitions they hold: list (Exclusions with Glue's glob rules,
// SampleSize, marker files), classify each file (in parallel, reusing the
// listing manifest's classifications for unchanged files when enabled),
// then group files into tables and partitions the way Glue does (sibling
// folders merge into one table when format, compression and include path
// match and schemas are similar; Hive `key=value` folders name partition
// keys, others get `partition_0`...), honouring the Grouping configuration.
// Reads nothing from and writes nothing to the catalog: the CrawlRunner diffs
// the plan against it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crawler/classify/file_classifier.h"
#include "crawler/crawl_types.h"
#include "io/file_system.h"
#include "store/store.h"

namespace mortar::crawler {

struct PlanEnvironment {
  const FileClassifier& classifier;
  const CrawlerConfig& config;
  const CancelToken& cancel;
  CrawlLogFn log;
  // Resolves "s3://..." / local paths to a FileSystem (io::file_system_for by default).
  std::function<StatusOr<io::FileSystem*>(const std::string& uri)> file_system_for;
  // The listing manifest lives here (component "crawl_manifest"), keyed by
  // crawler name; used when config.use_manifest or the RecrawlPolicy is
  // CRAWL_NEW_FOLDERS_ONLY.
  store::Store* store = nullptr;
  std::string crawler_name;
  std::string table_prefix;  // the crawler's TablePrefix
  // CRAWL_EVERYTHING | CRAWL_NEW_FOLDERS_ONLY (only folders absent from the
  // previous crawl's manifest are listed into the plan).
  std::string recrawl_behavior = "CRAWL_EVERYTHING";
  int threads = 2;
  // CRAWL_EVENT_MODE: the manifest is kept (and reused) on every crawl.
  bool event_mode = false;
  // CRAWL_EVENT_MODE after a baseline: the objects created since (local
  // paths or s3:// URIs, crawl_events.h). Only the folders holding them are
  // listed (their direct files); every other file of a target comes from the
  // manifest, its classification reused, nothing read. Null: list everything.
  const std::vector<std::string>* event_objects = nullptr;
};

struct PlanResult {
  std::vector<PlannedTable> tables;
  std::vector<CrawlProblem> problems;
  int64_t files_listed = 0, files_classified = 0, files_reused = 0;
};

class CrawlPlanner {
 public:
  // Creates the "crawl_manifest" tables.
  static Status migrate(store::Store& store);

  // `s3_targets`: Glue S3Target objects ({"Path", "Exclusions", "SampleSize", ...}).
  static StatusOr<PlanResult> plan_s3_targets(const std::vector<Json>& s3_targets,
                                              PlanEnvironment& env);

  // For CatalogTargets: re-plans the location of an existing catalog table
  // (`table` as GetTable returns it), keeping its name, partition keys and
  // format: only its partitions are discovered.
  static StatusOr<PlanResult> plan_existing_table(const Json& table, PlanEnvironment& env);

  // Forgets a crawler's manifest (DeleteCrawler).
  static Status drop_manifest(store::Store& store, const std::string& crawler_name);
};

}  // namespace mortar::crawler
