// The registry: every format Mortar has, in classification order.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "formats/csv/csv_format.h"
#include "formats/format.h"
#include "formats/json/json_format.h"
#if __has_include("formats/parquet/parquet_format.h")
#include "formats/parquet/parquet_format.h"
#define MORTAR_HAVE_PARQUET 1
#endif
// Formats still being built register themselves once their header exists.
#if __has_include("formats/avro/avro_format.h")
#include "formats/avro/avro_format.h"
#define MORTAR_HAVE_AVRO 1
#endif
#if __has_include("formats/orc/orc_format.h")
#include "formats/orc/orc_format.h"
#define MORTAR_HAVE_ORC 1
#endif
#if __has_include("formats/xml/xml_format.h")
#include "formats/xml/xml_format.h"
#define MORTAR_HAVE_XML 1
#endif
#if __has_include("formats/grok/grok_format.h")
#include "formats/grok/grok_format.h"
#define MORTAR_HAVE_GROK 1
#endif

namespace mortar::formats {

const std::vector<const Format*>& all_formats() {
  static const std::vector<const Format*> formats = [] {
    std::vector<const Format*> v;
    // Glue's built-in classifier order: Avro, ORC, Parquet, JSON, XML, logs, CSV.
#ifdef MORTAR_HAVE_AVRO
    v.push_back(&avro_format());
#endif
#ifdef MORTAR_HAVE_ORC
    v.push_back(&orc_format());
#endif
#ifdef MORTAR_HAVE_PARQUET
    v.push_back(&parquet_format());
#endif
    v.push_back(&json_format());
#ifdef MORTAR_HAVE_XML
    v.push_back(&xml_format());
#endif
#ifdef MORTAR_HAVE_GROK
    v.push_back(&grok_format());
#endif
    v.push_back(&csv_format());
    return v;
  }();
  return formats;
}

StatusOr<const Format*> format_by_name(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "jsonl" || lower == "ndjson") lower = "json";
  for (const Format* f : all_formats())
    if (f->name() == lower) return f;
  std::string known;
  for (const Format* f : all_formats()) known += (known.empty() ? "" : ", ") + f->name();
  return not_found(fmt::format("unknown format '{}' (known: {})", name, known));
}

const Format* format_for_path(const std::string& path) {
  std::string p = path;
  std::transform(p.begin(), p.end(), p.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
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
