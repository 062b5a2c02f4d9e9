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
  // When every built-in gives UNKNOWN for a text file, try the smart sniffer
  // (so a CSV file with one stray quote or ragged row still gets a table).
  // Off: strict Glue parity. Glue's result never changes where it matched.
  bool smart_csv_fallback = true;
};

// classifier_name of a file the built-in CSV classifier matched, by the path
// that classified it.
inline constexpr char kCsvGlueRules[] = "csv";
inline constexpr char kCsvSmartSniffer[] = "csv-smart";  // Mortar.CsvSniffer "smart"
inline constexpr char kCsvSmartFallback[] =
    "csv-smart-fallback";  // after Glue's rules gave UNKNOWN

// In words, which classifier (path) a classifier_name stands for, for the
// crawl log: "Glue's built-in CSV rules", "custom classifier applog" ...
std::string describe_classifier(const std::string& classifier_name);

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
