// classify_csv(): runs a CSV classifier over a file's sample and writes the
// table pieces Glue writes for CSV. The smart sniffer samples the head,
// middle and tail of an uncompressed file with ranged reads.
#include <fmt/format.h>

#include "crawler/classify/classify_steps.h"
#include "crawler/classify/file_classifier.h"

namespace mortar::crawler {

namespace {

constexpr int64_t kSmartHead = 512 * 1024;
constexpr int64_t kSmartPiece = 256 * 1024;

}  // namespace

Classification classify_csv(ClassifyInput& in, const CsvSettings& settings, bool smart) {
  Classification c;
  Status st = in.sample.extend_to(smart ? std::max(kSmartHead, kHeadBytes) : kCsvBytes);
  if (!st.ok()) {
    c.error = std::string(status_message(st));
    return c;
  }
  const std::string& data = in.sample.data();
  if (data.find('\0') != std::string::npos) {
    c.reason = "csv: binary data (NUL bytes)";
    return c;
  }
  CsvResult r;
  if (!smart) {
    r = classify_csv_glue(data, in.sample.complete(), settings);
  } else {
    std::vector<CsvChunk> chunks{{data, true, in.sample.complete()}};
    std::string middle, tail;
    // Only an uncompressed file can be read at its middle and tail.
    if (!in.sample.complete() && in.sample.compression().empty() &&
        in.file.size > kSmartHead + 2 * kSmartPiece) {
      auto file = in.fs.open_random_access(in.file.path);
      if (file.ok()) {
        int64_t size = (*file)->size();
        bool ok = (*file)->read_at(size / 2, kSmartPiece, &middle).ok() &&
                  (*file)->read_at(size - kSmartPiece, kSmartPiece, &tail).ok();
        if (ok) {
          chunks.push_back({middle, false, false});
          chunks.push_back({tail, false, true});
        }
      }
    }
    r = classify_csv_smart(chunks, settings);
  }
  c.reason = r.reason;
  if (!r.matched) return c;
  c.classification = "csv";
  c.classifier_name = smart ? kCsvSmartSniffer : kCsvGlueRules;
  c.certainty = r.certainty;
  std::vector<types::Field> fields;
  for (size_t j = 0; j < r.names.size(); ++j) fields.push_back({r.names[j], r.types[j]});
  c.schema = types::DataType::structure(std::move(fields));
  c.parameters["delimiter"] = std::string(1, r.dialect.delimiter);
  c.parameters["areColumnsQuoted"] = r.quoted ? "true" : "false";
  c.parameters["columnsOrdered"] = "true";
  if (r.has_header || r.skip_rows > 0)
    c.parameters["skip.header.line.count"] = std::to_string(r.skip_rows + (r.has_header ? 1 : 0));
  // Only a non-default quote or an escape needs saying (fill_storage_for
  // passes them to the SerDe); Glue's own tables carry neither. Unquoted
  // files get LazySimpleSerDe, which has no quoting (a stray quote is data),
  // but an escape the sniffer needed outside quotes still is one.
  if (r.quoted && r.dialect.quote && r.dialect.quote != '"') c.parameters["quoteChar"] = std::string(1, r.dialect.quote);
  if (r.dialect.escape) c.parameters["escapeChar"] = std::string(1, r.dialect.escape);
  set_record_figures(c, in, r.records, r.bytes);
  return c;
}

}  // namespace mortar::crawler
