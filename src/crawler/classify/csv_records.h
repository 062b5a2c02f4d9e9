// Splits sampled CSV text into records for one dialect (delimiter, quote,
// escape), tolerating what a sniffer meets: ragged rows, stray quotes, a
// record cut by the end of the sample. Used by both CSV classifiers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::crawler {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';   // '\0': no quoting
  char escape = '\0'; // '\0': a quote inside quotes is doubled ("")
  bool operator==(const CsvDialect&) const = default;
};

struct CsvRecord {
  std::vector<std::string> fields;
  std::vector<bool> quoted;  // per field: was it quoted
  int64_t begin = 0, end = 0;  // byte range in the text
};

struct CsvRecords {
  std::vector<CsvRecord> records;
  bool any_quoted = false;
  int quote_errors = 0;  // unterminated quotes, text after a closing quote
  int64_t bytes = 0;     // bytes of text the records cover
};

// Parses up to `max_records` non-blank records. When `complete` is false the
// text was cut, so a last record without its line end is dropped.
CsvRecords parse_csv_records(std::string_view text, const CsvDialect& dialect, size_t max_records,
                             bool complete);

// Printable name of a delimiter for reasons and tables ("\\t", "^A").
std::string printable_char(char c);

}  // namespace mortar::crawler
