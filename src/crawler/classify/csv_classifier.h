// The CSV classifiers over sampled text.
//
// classify_csv_glue(): Glue's built-in CSV classifier. Delimiters comma,
// pipe, tab, semicolon, Ctrl-A; every sampled record must have the same
// number of fields (at least two, unless AllowSingleColumn) and there must be
// at least two records. Header: every field of the first record is a string
// (not a number or boolean), shorter than 150 characters and a valid column
// name (the last may be empty), and at least one column of the other records
// is not a string -- so an all-text file is headerless. Types bigint, double,
// boolean, string; names lower-cased; headerless columns col0, col1...
//
// classify_csv_smart(): Mortar's sniffer. Dialect search over delimiter x
// quote x escape scored by the consistency of field counts (with leading
// preamble rows skipped), a header vote that also recognises all-text
// headers, and date/timestamp types; the sample may be several chunks
// (head, middle, tail of a file) whose records all feed the types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/classify/csv_records.h"
#include "types/data_type.h"

namespace mortar::crawler {

struct CsvSettings {
  std::optional<CsvDialect> dialect;  // fixed by a custom classifier
  enum class Header { kDetect, kPresent, kAbsent } header = Header::kDetect;
  std::vector<std::string> header_names;  // a custom classifier's Header
  bool trim_values = true;                // !DisableValueTrimming
  bool allow_single_column = false;
  size_t max_records = 1000;
  // Smart sniffer only: the share of sampled rows that must have the table's
  // field count, and whether space is tried as a last-resort delimiter. The
  // fallback after Glue's rules asks for more (one polluted row, not prose).
  double min_consistency = 0.3;
  bool try_space = true;
};

struct CsvResult {
  bool matched = false;
  double certainty = 0.0;
  CsvDialect dialect;
  bool has_header = false;
  int skip_rows = 0;  // preamble rows before the header/data (smart mode)
  std::vector<std::string> names;
  std::vector<types::TypePtr> types;
  std::vector<std::string> raw_header;  // the header's fields as written
  bool quoted = false;                  // some field was quoted
  int64_t records = 0;                  // data records sampled
  int64_t bytes = 0;                    // sample bytes those records cover
  std::string reason;                   // why it matched, or why not
};

// One piece of sampled text; only the first may hold the header.
struct CsvChunk {
  std::string_view text;
  bool starts_at_record = true;  // false: drop the first (partial) line
  bool complete = true;          // false: drop a cut last record
};

CsvResult classify_csv_glue(std::string_view text, bool complete, const CsvSettings& settings);
CsvResult classify_csv_smart(const std::vector<CsvChunk>& chunks, const CsvSettings& settings);

// Column names as Glue writes them: trimmed, lower-cased, empty -> colN,
// duplicates suffixed _1, _2...
std::vector<std::string> csv_column_names(const std::vector<std::string>& header, size_t columns);

}  // namespace mortar::crawler
