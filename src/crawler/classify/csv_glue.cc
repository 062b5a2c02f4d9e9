// Glue's built-in CSV classifier rules (see csv_classifier.h).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/ascii.h"
#include "crawler/classify/csv_classifier.h"
#include "crawler/classify/csv_values.h"
#include "formats/csv/csv_column_names.h"

namespace mortar::crawler {

namespace {

constexpr size_t kMaxHeaderField = 150;
constexpr char kGlueDelimiters[] = {',', '|', '\t', ';', '\x01'};

bool valid_column_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// Glue's header rules for the first record given the other records' types.
bool glue_header(const std::vector<std::string>& first, const std::vector<CsvColumnGuess>& data,
                 bool trim, std::string* why) {
  for (size_t j = 0; j < first.size(); ++j) {
    std::string_view v = trim ? csv_trim(first[j]) : std::string_view(first[j]);
    bool last = j + 1 == first.size();
    if (v.empty()) {
      if (last && !data[j].any()) continue;  // a trailing delimiter: empty throughout
      *why = fmt::format("no header: field {} of the first row is empty", j + 1);
      return false;
    }
    if (csv_value_is_typed(v, false)) {
      *why = fmt::format("no header: first-row field '{}' is not a string", v);
      return false;
    }
    if (!last && v.size() >= kMaxHeaderField) {
      *why = fmt::format("no header: first-row field {} is {} characters long", j + 1, v.size());
      return false;
    }
    if (!valid_column_name(v)) {
      *why = fmt::format("no header: first-row field {} is not a valid column name", j + 1);
      return false;
    }
  }
  for (const auto& g : data)
    if (!g.is_string()) {
      *why = "header detected";
      return true;
    }
  *why = "no header: every column is a string, so the first row is not different enough";
  return false;
}

}  // namespace

std::vector<std::string> csv_column_names(const std::vector<std::string>& header, size_t columns) {
  std::vector<std::string> names;
  for (size_t j = 0; j < columns; ++j) {
    std::string name;
    if (j < header.size()) {
      std::string_view t = csv_trim(header[j]);
      name = ascii_lower(t);
    }
    if (name.empty()) name = fmt::format("col{}", j);
    names.push_back(std::move(name));
  }
  formats::csv::make_names_unique(names);
  return names;
}

CsvResult classify_csv_glue(std::string_view text, bool complete, const CsvSettings& s) {
  CsvResult best;
  best.reason = "csv: no delimiter gives every row the same number of fields";
  std::vector<CsvDialect> candidates;
  if (s.dialect) {
    candidates.push_back(*s.dialect);
  } else {
    for (char d : kGlueDelimiters) candidates.push_back(CsvDialect{d, '"', '\0'});
  }
  size_t best_columns = 0;
  for (const CsvDialect& dialect : candidates) {
    CsvRecords parsed = parse_csv_records(text, dialect, s.max_records, complete);
    const auto& recs = parsed.records;
    if (recs.empty()) continue;
    size_t columns = recs[0].fields.size();
    bool consistent = std::all_of(recs.begin(), recs.end(),
                                  [&](const CsvRecord& r) { return r.fields.size() == columns; });
    if (!consistent || parsed.quote_errors > 0) continue;
    if (columns < 2 && !s.allow_single_column) continue;
    if (recs.size() < 2 && s.header != CsvSettings::Header::kPresent) continue;
    if (columns <= best_columns) continue;  // the earlier delimiter wins ties
    best_columns = columns;

    CsvResult r;
    r.matched = true;
    r.certainty = 1.0;
    r.dialect = dialect;
    r.quoted = parsed.any_quoted;
    r.bytes = parsed.bytes;
    // Types of every record but the first, and of all of them.
    std::vector<CsvColumnGuess> rest(columns), all(columns);
    for (size_t i = 0; i < recs.size(); ++i)
      for (size_t j = 0; j < columns; ++j) {
        std::string_view v = s.trim_values ? csv_trim(recs[i].fields[j]) : std::string_view(recs[i].fields[j]);
        all[j].observe(v);
        if (i > 0) rest[j].observe(v);
      }
    std::string why;
    switch (s.header) {
      case CsvSettings::Header::kPresent: r.has_header = true; why = "header present (classifier setting)"; break;
      case CsvSettings::Header::kAbsent: r.has_header = false; why = "header absent (classifier setting)"; break;
      case CsvSettings::Header::kDetect: r.has_header = glue_header(recs[0].fields, rest, s.trim_values, &why); break;
    }
    const auto& guesses = r.has_header ? rest : all;
    for (const auto& g : guesses) r.types.push_back(g.result());
    if (r.has_header) r.raw_header = recs[0].fields;
    std::vector<std::string> header = !s.header_names.empty() ? s.header_names : r.raw_header;
    r.names = csv_column_names(header, columns);
    r.records = static_cast<int64_t>(recs.size()) - (r.has_header ? 1 : 0);
    r.reason = fmt::format("csv: delimiter '{}' gives {} fields in all {} sampled rows; {}{}",
                           printable_char(dialect.delimiter), columns, recs.size(), why,
                           r.quoted ? "; quoted values" : "");
    best = std::move(r);
  }
  return best;
}

}  // namespace mortar::crawler
