#include "formats/csv/csv_format.h"

#include <algorithm>
#include <vector>

#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"

namespace mortar::formats {

namespace csv {
namespace {

// Separator counts (outside quotes) of the first `max_lines` complete lines
// of `head`; a head without any newline counts as one line when
// `count_unterminated`.
std::vector<int> separator_counts(std::string_view head, char sep, size_t max_lines,
                                  bool count_unterminated) {
  std::vector<int> counts;
  int count = 0;
  bool in_quote = false;
  for (char c : head) {
    if (c == '"') in_quote = !in_quote;
    else if (!in_quote && c == sep) ++count;
    else if (!in_quote && c == '\n') {
      counts.push_back(count);
      count = 0;
      if (counts.size() >= max_lines) break;
    }
  }
  if (count_unterminated && counts.empty() && count > 0) counts.push_back(count);
  return counts;
}

}  // namespace

char detect_separator(std::string_view head) {
  char best = '\0';
  double best_score = 0.0;
  for (char sep : {',', '\t', ';', '|'}) {
    std::vector<int> counts = separator_counts(head, sep, 50, true);
    if (counts.empty() || counts[0] == 0) continue;
    int same = static_cast<int>(std::count(counts.begin(), counts.end(), counts[0]));
    double score = same / static_cast<double>(counts.size()) + counts[0] * 1e-3;
    if (score > best_score) {
      best_score = score;
      best = sep;
    }
  }
  return best;
}
}  // namespace csv

namespace {

class CsvFormat : public Format {
 public:
  std::string name() const override { return "csv"; }
  std::vector<std::string> extensions() const override { return {".csv", ".tsv"}; }

  // Consistent separator counts over the first lines make a CSV; text with
  // no separators at all is a one-column CSV at best.
  double sniff(std::string_view head) const override {
    if (head.empty()) return 0.0;
    size_t binary = std::count(head.begin(), head.end(), '\0');
    if (binary > 0) return 0.0;
    if (head.front() == '{' || head.front() == '[' || head.front() == '<') return 0.05;
    double best = 0.1;
    for (char sep : {',', '\t', ';', '|'}) {
      std::vector<int> counts = csv::separator_counts(head, sep, 20, false);
      if (counts.empty() || counts[0] == 0) continue;
      int same = static_cast<int>(std::count(counts.begin(), counts.end(), counts[0]));
      double score = 0.5 + 0.45 * same / static_cast<double>(counts.size());
      if (counts.size() == 1) score = 0.6;
      best = std::max(best, score);
    }
    return best;
  }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto r, csv::CsvReader::open(fs, path, options));
    return std::unique_ptr<RecordReader>(std::move(r));
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs, const std::string& path,
                                                      types::TypePtr schema,
                                                      const WriteOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto w, csv::CsvWriter::open(fs, path, std::move(schema), options));
    return std::unique_ptr<RecordWriter>(std::move(w));
  }
};

}  // namespace

const Format& csv_format() {
  static const CsvFormat format;
  return format;
}

}  // namespace mortar::formats
