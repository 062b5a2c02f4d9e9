// Mortar's smart CSV sniffer (see csv_classifier.h). The dialect search
// scores each candidate by how many records share one field count, as
// DuckDB's sniffer does; the header vote compares the first record with the
// values under it column by column, so a header over all-text columns is
// still found.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <map>
#include <set>

#include "crawler/classify/csv_classifier.h"
#include "crawler/classify/csv_values.h"

namespace mortar::crawler {

namespace {

constexpr size_t kMaxPreamble = 20;
// Mean column vote above which the first row is a header (tuned on the
// Pollock and DuckDB files: see README.md).
constexpr double kHeaderVote = 0.3;

struct Candidate {
  CsvDialect dialect;
  CsvRecords parsed;
  size_t columns = 0;  // the modal field count
  size_t start = 0;    // first record with that count (rows before: preamble)
  size_t consistent = 0, inconsistent = 0;
  double score = -1e18;
};

void score(Candidate& c, bool allow_single) {
  const auto& recs = c.parsed.records;
  if (recs.empty()) return;
  std::map<size_t, size_t> freq;
  for (const auto& r : recs) ++freq[r.fields.size()];
  size_t best_n = 0;
  for (const auto& [cols, n] : freq)
    if (n >= best_n) best_n = n, c.columns = cols;  // ties: more columns
  while (c.start < recs.size() && c.start < kMaxPreamble && recs[c.start].fields.size() != c.columns)
    ++c.start;
  if (c.start < recs.size() && recs[c.start].fields.size() != c.columns) c.start = 0;
  // Leading rows of the right width but mostly empty ("Title,,,,") are preamble too.
  auto mostly_empty = [](const CsvRecord& r) {
    size_t empty = 0;
    for (const auto& f : r.fields) empty += f.find_first_not_of(" \t") == std::string::npos;
    return empty * 2 > r.fields.size();
  };
  while (c.start + 1 < recs.size() && c.start < kMaxPreamble && mostly_empty(recs[c.start])) ++c.start;
  for (size_t i = c.start; i < recs.size(); ++i)
    (recs[i].fields.size() == c.columns ? c.consistent : c.inconsistent) += 1;
  c.score = static_cast<double>(c.consistent) - 2.0 * static_cast<double>(c.inconsistent) -
            5.0 * c.parsed.quote_errors;
  if (c.columns < 2 && !allow_single) c.score = c.score * 0.01 - 1e6;
}

bool better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.columns > b.columns;
}

// A value's shape: letters a/A, digits 9, runs collapsed ("AB-12" -> "A-9").
std::string shape(std::string_view v) {
  std::string out;
  for (unsigned char ch : v) {
    char k = std::isdigit(ch) ? '9' : std::isupper(ch) ? 'A' : std::isalpha(ch) ? 'a' : ch >= 0x80 ? 'a' : static_cast<char>(ch);
    if (out.empty() || out.back() != k) out += k;
  }
  return out;
}

// +1: the header value stands apart from the column's values; -1: it looks like one of them.
double column_vote(std::string_view h, const std::vector<std::string_view>& vals, bool typed) {
  if (vals.empty()) return 0.0;
  if (typed) return 1.0;  // values typed, header text
  size_t same = 0;
  std::map<std::string, size_t> shapes;
  std::set<std::string_view> distinct;
  double sum = 0, sum2 = 0;
  for (auto v : vals) {
    if (v == h) ++same;
    ++shapes[shape(v)];
    distinct.insert(v);
    sum += static_cast<double>(v.size());
    sum2 += static_cast<double>(v.size()) * static_cast<double>(v.size());
  }
  if (same > 0) return -1.0;
  double n = static_cast<double>(vals.size());
  double vote = 0.0;
  // A categorical column (few distinct values) whose header is none of them.
  if (vals.size() >= 5 && static_cast<double>(distinct.size()) <= 0.5 * n) vote += 1.0;
  // Values sharing a shape the header does not have ("2021-A7" vs "Code").
  size_t top = 0;
  for (const auto& [sh, k] : shapes) top = std::max(top, k);
  auto hs = shapes.find(shape(h));
  if (static_cast<double>(top) >= 0.6 * n && (hs == shapes.end() || hs->second * 10 < vals.size()))
    vote += 1.0;
  // A length far from the values' lengths.
  double mean = sum / n, sd = std::sqrt(std::max(0.0, sum2 / n - mean * mean));
  if (std::fabs(static_cast<double>(h.size()) - mean) > 3.0 * sd + 2.0) vote += 0.5;
  return std::min(vote, 1.0);
}

}  // namespace

CsvResult classify_csv_smart(const std::vector<CsvChunk>& chunks, const CsvSettings& s) {
  CsvResult res;
  if (chunks.empty()) return res;
  const CsvChunk& head = chunks[0];

  // 1. Dialect search: delimiters x quotes x escapes. Space only wins when
  // no common delimiter gives a table. (Not colon: times and URLs fake it.)
  std::vector<CsvDialect> tier1, tier2;
  if (s.dialect) {
    tier1.push_back(*s.dialect);
  } else {
    for (char d : {',', '|', '\t', ';', '\x01', ' '})
      for (char q : {'"', '\'', '\0'})
        for (char e : {'\0', '\\'}) {
          if ((q == '\0' && e != '\0') || (d == ' ' && !s.try_space)) continue;
          (d == ' ' ? tier2 : tier1).push_back(CsvDialect{d, q, e});
        }
  }
  auto search = [&](const std::vector<CsvDialect>& ds) {
    Candidate best;
    for (const auto& d : ds) {
      Candidate c;
      c.dialect = d;
      c.parsed = parse_csv_records(head.text, d, s.max_records, head.complete);
      score(c, s.allow_single_column);
      if (better(c, best)) best = std::move(c);
    }
    return best;
  };
  Candidate best = search(tier1);
  if (!tier2.empty()) {
    Candidate alt = search(tier2);
    if (alt.columns >= 2 && (best.columns < 2 || best.score < 0 || alt.score > 1.5 * best.score + 2))
      best = std::move(alt);
  }
  const auto& recs = best.parsed.records;
  if (recs.empty() || (best.columns < 2 && !s.allow_single_column)) {
    res.reason = "csv (smart): no dialect gives at least two columns";
    return res;
  }
  double consistency = static_cast<double>(best.consistent) /
                       static_cast<double>(best.consistent + best.inconsistent);
  if (consistency < s.min_consistency) {
    res.reason = fmt::format("csv (smart): best dialect delimiter '{}' is consistent in only {:.0f}% of rows",
                             printable_char(best.dialect.delimiter), consistency * 100);
    return res;
  }
  res.dialect = best.dialect;
  res.skip_rows = static_cast<int>(best.start);
  const size_t columns = best.columns;

  // 2. The table's rows: records with the modal count, from every chunk.
  std::vector<const CsvRecord*> rows;
  for (size_t i = best.start; i < recs.size(); ++i)
    if (recs[i].fields.size() == columns) rows.push_back(&recs[i]);
  res.quoted = best.parsed.any_quoted;
  res.bytes = best.parsed.bytes;
  std::vector<CsvRecords> more;
  for (size_t k = 1; k < chunks.size(); ++k) {
    std::string_view t = chunks[k].text;
    if (!chunks[k].starts_at_record) {
      size_t nl = t.find('\n');
      t = nl == std::string_view::npos ? std::string_view() : t.substr(nl + 1);
    }
    // The tail (the last chunk, ending at the end of the file) contributes its last records.
    bool tail = k + 1 == chunks.size() && chunks[k].complete;
    CsvRecords m = parse_csv_records(t, best.dialect, tail ? SIZE_MAX : s.max_records, chunks[k].complete);
    if (tail && m.records.size() > s.max_records)
      m.records.erase(m.records.begin(), m.records.end() - static_cast<std::ptrdiff_t>(s.max_records));
    res.quoted |= m.any_quoted;  // the table's SerDe quotes if any sampled part does
    more.push_back(std::move(m));
  }
  std::vector<const CsvRecord*> extra;
  for (const auto& m : more)
    for (const auto& r : m.records)
      if (r.fields.size() == columns) extra.push_back(&r);

  // 3. Types, with and without the first row.
  auto value = [&](const CsvRecord* r, size_t j) {
    return s.trim_values ? csv_trim(r->fields[j]) : std::string_view(r->fields[j]);
  };
  std::vector<CsvColumnGuess> rest(columns, CsvColumnGuess(true)), all(columns, CsvColumnGuess(true));
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < columns; ++j) {
      all[j].observe(value(rows[i], j));
      if (i > 0) rest[j].observe(value(rows[i], j));
    }
  for (const CsvRecord* r : extra)
    for (size_t j = 0; j < columns; ++j) {
      all[j].observe(value(r, j));
      rest[j].observe(value(r, j));
    }

  // 4. The header vote.
  std::string why;
  if (s.header == CsvSettings::Header::kPresent) {
    res.has_header = true;
    why = "header present (classifier setting)";
  } else if (s.header == CsvSettings::Header::kAbsent) {
    why = "header absent (classifier setting)";
  } else {
    const CsvRecord* first = rows.front();
    size_t empty = 0, typed = 0;
    std::set<std::string_view> uniq;
    for (size_t j = 0; j < columns; ++j) {
      std::string_view h = value(first, j);
      if (h.empty()) ++empty;
      else if (csv_value_is_typed(h, true)) ++typed;
      else uniq.insert(h);
    }
    bool eligible = typed == 0 && uniq.size() + empty == columns && empty * 4 <= columns &&
                    !(empty > 0 && columns <= 2);
    if (!eligible) {
      why = typed ? "no header: a first-row value is a number, boolean or date"
                  : "no header: first-row values are empty or repeated";
    } else if (rows.size() + extra.size() == 1) {
      res.has_header = true;
      why = "header: a single row of distinct names";
    } else {
      double total = 0;
      int voters = 0;
      for (size_t j = 0; j < columns; ++j) {
        std::string_view h = value(first, j);
        if (h.empty()) continue;
        std::vector<std::string_view> vals;
        for (size_t i = 1; i < rows.size(); ++i)
          if (auto v = value(rows[i], j); !v.empty()) vals.push_back(v);
        for (const CsvRecord* r : extra)
          if (auto v = value(r, j); !v.empty()) vals.push_back(v);
        total += column_vote(h, vals, !rest[j].is_string());
        ++voters;
      }
      double mean = voters ? total / voters : 0.0;
      res.has_header = mean >= kHeaderVote;
      why = fmt::format("{} (header vote {:.2f}, threshold {:.2f})", res.has_header ? "header" : "no header", mean,
                        kHeaderVote);
    }
  }

  const auto& guesses = res.has_header ? rest : all;
  for (const auto& g : guesses) res.types.push_back(g.result());
  if (res.has_header) res.raw_header = rows.front()->fields;
  res.names = csv_column_names(!s.header_names.empty() ? s.header_names : res.raw_header, columns);
  res.records = static_cast<int64_t>(rows.size() + extra.size()) - (res.has_header ? 1 : 0);
  res.matched = true;
  res.certainty = consistency >= 0.99 ? 1.0 : 0.5 + 0.45 * consistency;
  std::string quote = res.dialect.quote ? std::string(1, res.dialect.quote) : "none";
  res.reason = fmt::format(
      "csv (smart): delimiter '{}', quote {}, escape {}: {} of {} sampled rows have {} fields{}; {}",
      printable_char(res.dialect.delimiter), quote, printable_char(res.dialect.escape), best.consistent,
      best.consistent + best.inconsistent, columns,
      res.skip_rows ? fmt::format(" after {} preamble rows", res.skip_rows) : "", why);
  return res;
}

}  // namespace mortar::crawler
