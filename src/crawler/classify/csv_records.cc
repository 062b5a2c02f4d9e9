#include "crawler/classify/csv_records.h"

namespace mortar::crawler {

CsvRecords parse_csv_records(std::string_view text, const CsvDialect& d, size_t max_records,
                             bool complete) {
  CsvRecords out;
  size_t i = 0;
  const size_t n = text.size();
  if (n >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < n && out.records.size() < max_records) {
    // Blank lines are not records.
    if (text[i] == '\n' || text[i] == '\r') {
      ++i;
      continue;
    }
    CsvRecord rec;
    rec.begin = static_cast<int64_t>(i);
    std::string field;
    bool field_quoted = false, in_quotes = false, after_quote = false, ended = false, bad = false;
    while (i < n) {
      char c = text[i];
      if (in_quotes) {
        if (d.escape != '\0' && c == d.escape && d.escape != d.quote && i + 1 < n) {
          field += text[i + 1];
          i += 2;
          continue;
        }
        if (c == d.quote) {
          if (i + 1 < n && text[i + 1] == d.quote) {
            field += c;
            i += 2;
            continue;
          }
          in_quotes = false;
          after_quote = true;
          ++i;
          continue;
        }
        field += c;
        ++i;
        continue;
      }
      if (c == d.delimiter) {
        rec.fields.push_back(std::move(field));
        rec.quoted.push_back(field_quoted);
        field.clear();
        field_quoted = after_quote = false;
        ++i;
        continue;
      }
      if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ended = true;
        break;
      }
      if (d.quote != '\0' && c == d.quote && field.empty() && !field_quoted) {
        in_quotes = field_quoted = true;
        ++i;
        continue;
      }
      if (d.escape != '\0' && c == d.escape && d.escape != d.quote && i + 1 < n) {
        field += text[i + 1];
        i += 2;
        continue;
      }
      if (after_quote && c != ' ') bad = true;  // text after a closing quote
      field += c;
      ++i;
    }
    if (!ended && (!complete || in_quotes)) {
      // Cut by the end of the sample (or an unterminated quote at the end).
      if (in_quotes && complete) ++out.quote_errors;
      break;
    }
    rec.fields.push_back(std::move(field));
    rec.quoted.push_back(field_quoted);
    rec.end = static_cast<int64_t>(i);
    if (bad) ++out.quote_errors;
    for (bool q : rec.quoted) out.any_quoted |= q;
    out.bytes = rec.end;
    out.records.push_back(std::move(rec));
  }
  return out;
}

std::string printable_char(char c) {
  switch (c) {
    case '\t': return "\\t";
    case '\x01': return "^A";
    case '\0': return "(none)";
    case ' ': return "' '";
    default: return std::string(1, c);
  }
}

}  // namespace mortar::crawler
