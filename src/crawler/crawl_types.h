// The values that flow through one crawl:
//   targets -> FileEntry (listing) -> Classification (classifiers)
//   -> PlannedTable/PlannedPartition (grouping, or a JDBC target)
//   -> CrawlChange list (diff against the catalog, applied unless DryRun).
// Plain structs, shared by the listing, classifier, grouping, JDBC and
// catalog-writer parts and by the CrawlerService that runs crawls.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "types/data_type.h"

namespace mortar::crawler {

using Json = nlohmann::json;

// One data file found under a target.
struct FileEntry {
  std::string path;          // full path or s3:// URI
  int64_t size = 0;
  int64_t mtime_micros = 0;  // last modified; 0 when unknown
  std::string etag;          // S3 ETag when known, else ""
};

// Something that went wrong with one path; the crawl carries on.
struct CrawlProblem {
  std::string path;
  std::string message;  // what was wrong, e.g. "corrupt Parquet footer at byte 1234"
};

// What the classifiers decided about one file.
struct Classification {
  // "csv", "json", "parquet", "avro", "orc", "xml", a custom classifier's
  // Classification string, or "UNKNOWN".
  std::string classification = "UNKNOWN";
  double certainty = 0.0;
  std::string classifier_name;   // the built-in ("csv") or custom classifier that matched
  std::string compression_type;  // "gzip", "bzip2", "zstd", "snappy", "lz4", "zip", or "" for none
  types::TypePtr schema;         // a struct type; null when UNKNOWN
  // Glue's StorageDescriptor pieces for this format.
  std::string input_format;
  std::string output_format;
  Json serde_info = Json::object();  // {"SerializationLibrary": ..., "Parameters": {...}}
  // Format-specific table parameters: "delimiter", "skip.header.line.count",
  // "areColumnsQuoted", "typeOfData" ("file"), custom classifier's "grokPattern"...
  std::map<std::string, std::string> parameters;
  int64_t record_count = 0;          // records seen (or exact, from metadata) in this file
  int64_t average_record_size = 0;   // bytes
  // Set when the file could not be classified because it is unreadable or
  // corrupt (the crawl records a CrawlProblem and skips the file).
  std::string error;
  // Why this classification won, for DryRun plans ("csv: certainty 0.9,
  // delimiter ',' consistent over 1000 rows, header detected").
  std::string reason;
};

// One partition of a planned table.
struct PlannedPartition {
  std::vector<std::string> values;  // in partition-key order
  std::string location;             // folder path/URI
  Classification classification;    // merged over the partition's files
  int64_t object_count = 0;
  int64_t size_bytes = 0;
};

// A table the crawl wants in the catalog (from files or a JDBC target).
struct PlannedTable {
  std::string name;      // sanitised, prefixed with the crawler's TablePrefix
  std::string location;  // table root folder, or "db.schema.table" for JDBC
  std::vector<std::pair<std::string, std::string>> partition_keys;  // (name, Glue type)
  Classification classification;  // merged over all files; schema has no partition keys
  std::vector<PlannedPartition> partitions;
  int64_t object_count = 0;
  int64_t size_bytes = 0;
  // Parameters to set beyond the classification's (connectionName for JDBC...).
  std::map<std::string, std::string> extra_parameters;
  // Human-readable reasons for the grouping decisions that shaped this table,
  // with similarity scores ("merged 12 sibling folders: schema similarity 0.93 >= 0.70").
  std::vector<std::string> reasons;
  // Which classifier (path) classified its files, for the crawl log: "Glue's
  // built-in CSV rules", or per classifier with counts when they differ.
  std::string classified_by;
};

// One change the crawl makes (or, in DryRun, would make) to the catalog.
struct CrawlChange {
  enum class Kind {
    kCreateTable, kUpdateTable, kDeleteTable, kDeprecateTable,
    kCreatePartition, kUpdatePartition, kDeletePartition, kLogOnly
  };
  Kind kind;
  std::string database;
  std::string table;
  std::vector<std::string> partition_values;  // for partition changes
  std::string detail;  // e.g. "added columns c, d"; for kLogOnly what LOG policy suppressed
  Json as_json() const;  // {"Action":"CREATE_TABLE","Database":..,"Table":..,"Detail":..}
};

// Totals a crawl reports (Glue's Crawl/CrawlerMetrics figures).
struct CrawlSummary {
  int64_t tables_created = 0, tables_updated = 0, tables_deleted = 0;
  int64_t partitions_created = 0, partitions_updated = 0, partitions_deleted = 0;
  int64_t files_listed = 0, files_classified = 0, files_reused = 0;  // reused: from the manifest
  int64_t problems = 0;
  Json as_json() const;
};

// The Mortar extensions a crawler opts into through its Configuration JSON
// under "Mortar": {...}, and the Glue Configuration keys, parsed once.
struct CrawlerConfig {
  // Glue keys.
  bool combine_compatible_schemas = false;  // Grouping.TableGroupingPolicy
  std::optional<int> table_level;           // Grouping.TableLevelConfiguration (1 = the S3 bucket/root level)
  bool partitions_inherit_from_table = false;  // CrawlerOutput.Partitions.AddOrUpdateBehavior
  bool merge_new_columns = false;              // CrawlerOutput.Tables.AddOrUpdateBehavior
  std::optional<int> table_threshold;          // CrawlerOutput.Tables.TableThreshold
  // Mortar keys ("Mortar": {...}).
  bool dry_run = false;              // "DryRun"
  bool smart_csv = false;            // "CsvSniffer": "smart" (default "glue")
  bool smart_csv_fallback = true;    // "SmartCsvFallback": false keeps Glue's UNKNOWN where its rules miss
  bool ignore_marker_files = false;  // "IgnoreMarkerFiles"
  bool use_manifest = false;         // "Manifest": reuse classifications of unchanged files
  bool partition_sync = false;       // "PartitionSync": only add/remove partitions (MSCK REPAIR)
  bool typed_partitions = false;     // "TypedPartitions": bigint/date partition key types
  std::string path_template;         // "PathTemplate": "{year}/{month}/{day}"
  double similarity_threshold = 0.7; // "SimilarityThreshold"
  int max_schema_clusters = 5;       // "MaxSchemaClusters"
  // "Enhanced": true turns on smart_csv, ignore_marker_files, use_manifest and
  // typed_partitions at once.
};

// Parses the crawler's Configuration string (may be empty). Unknown Mortar
// keys and malformed JSON are InvalidInput naming the key. (crawl_types.cc
// implements this and the as_json() methods.)
StatusOr<CrawlerConfig> parse_crawler_config(const std::string& configuration);

// A Classification as JSON (schema as its Glue type string), for the listing
// manifest and for DryRun plans; and back.
Json classification_to_json(const Classification& c);
StatusOr<Classification> classification_from_json(const Json& j);
// A PlannedTable as JSON (with its reasons and partitions), for DryRun plans.
Json planned_table_to_json(const PlannedTable& t);

// Cooperative cancellation: StopCrawler sets it; every stage checks it between
// files/batches so a crawl stops within a second.
class CancelToken {
 public:
  void cancel() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }

 private:
  std::atomic<bool> cancelled_{false};
};

// Where a crawl writes its log lines (a file per crawl, see CrawlerService).
// Thread-safe.
using CrawlLogFn = std::function<void(const std::string& level, const std::string& message)>;

}  // namespace mortar::crawler
