// Classifies one file as Glue's crawler does: the crawler's custom
// classifiers first, in its order, then the built-ins in Glue's order (Avro,
// ORC, Parquet, JSON, XML, the grok log formats, CSV). Certainty 1.0 wins at
// once; otherwise the highest certainty above 0.0; otherwise UNKNOWN.
//
// Reads only what Glue reads: CSV the first 1,000 records or 1 MB; JSON 1 MB,
// extended in 1 MB steps up to 10 MB while no record is found; Parquet, ORC
// and Avro only their metadata (footer/header, by ranged reads). Compressed
// files are stream-decompressed just far enough.
//
// Thread-safe: classify() may run on several threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "crawler/crawl_types.h"
#include "io/file_system.h"

namespace mortar::crawler {

struct ClassifyOptions {
  // Mortar's smarter CSV sniffer (dialect search, all-text header vote,
  // date/timestamp detection, head/middle/tail sample) instead of Glue's rules.
  bool smart_csv = false;
};

class FileClassifier {
 public:
  // `custom_classifiers`: Glue Classifier objects as GetClassifier returns
  // them ({"GrokClassifier": {...}} | {"XMLClassifier": {...}} |
  // {"JsonClassifier": {...}} | {"CsvClassifier": {...}}), in the crawler's
  // order. Invalid definitions are InvalidInput naming the classifier.
  static StatusOr<std::unique_ptr<FileClassifier>> create(const std::vector<Json>& custom_classifiers,
                                                          ClassifyOptions options);
  virtual ~FileClassifier() = default;

  // Never fails for bad data: an unreadable or corrupt file comes back as
  // UNKNOWN with `error` set (and the path in it). A non-OK Status means the
  // classifier itself could not run (e.g. cancelled).
  virtual StatusOr<Classification> classify(io::FileSystem& fs, const FileEntry& file) const = 0;
};

// Glue's StorageDescriptor pieces (InputFormat, OutputFormat, SerDeInfo) and
// table parameters for a built-in classification, for tables the crawler
// writes and for ETL catalog sinks.
void fill_storage_for(const std::string& classification, Classification& c);

}  // namespace mortar::crawler
