// The registry: every format Mortar has, in classification order.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/ascii.h"
#include "formats/avro/avro_format.h"
#include "formats/csv/csv_format.h"
#include "formats/format.h"
#include "formats/grok/grok_format.h"
#include "formats/json/json_format.h"
#include "formats/orc/orc_format.h"
#include "formats/parquet/parquet_format.h"
#include "formats/xml/xml_format.h"

namespace mortar::formats {

const std::vector<const Format*>& all_formats() {
  static const std::vector<const Format*> formats = [] {
    std::vector<const Format*> v;
    // Glue's built-in classifier order: Avro, ORC, Parquet, JSON, XML, logs, CSV.
    v.push_back(&avro_format());
    v.push_back(&orc_format());
    v.push_back(&parquet_format());
    v.push_back(&json_format());
    v.push_back(&xml_format());
    v.push_back(&grok_format());
    v.push_back(&csv_format());
    return v;
  }();
  return formats;
}

StatusOr<const Format*> format_by_name(const std::string& name) {
  std::string lower = ascii_lower(name);
  if (lower == "jsonl" || lower == "ndjson") lower = "json";
  for (const Format* f : all_formats())
    if (f->name() == lower) return f;
  std::string known;
  for (const Format* f : all_formats()) known += (known.empty() ? "" : ", ") + f->name();
  return not_found(fmt::format("unknown format '{}' (known: {})", name, known));
}

const Format* format_for_path(const std::string& path) {
  std::string p = ascii_lower(path);
  auto ends_with = [](const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  for (const char* c : {".gz", ".gzip", ".bz2", ".zst", ".zstd", ".xz", ".lz4", ".snappy", ".sz", ".br"}) {
    if (ends_with(p, c)) {
      p.resize(p.size() - std::string(c).size());
      break;
    }
  }
  for (const Format* f : all_formats())
    for (const auto& ext : f->extensions())
      if (ends_with(p, ext)) return f;
  return nullptr;
}

const Format* format_for_content(std::string_view head) {
  const Format* best = nullptr;
  double best_score = 0.0;
  for (const Format* f : all_formats()) {
    double score = f->sniff(head);
    if (score > best_score) {
      best_score = score;
      best = f;
    }
  }
  return best_score >= 0.3 ? best : nullptr;
}

}  // namespace mortar::formats
