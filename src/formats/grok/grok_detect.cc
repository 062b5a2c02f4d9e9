#include "formats/grok/grok_detect.h"

#include <memory>
#include <vector>

#include "formats/grok/grok_compiler.h"

namespace mortar::formats::grok {

namespace {

// COMBINED before COMMON: a combined line also starts like a common one.
constexpr std::string_view kFormats[] = {
    "COMBINEDAPACHELOG", "COMMONAPACHELOG", "HTTPD_ERRORLOG", "ELB_ACCESS_LOG", "S3_ACCESS_LOG",
    "CLOUDFRONT_ACCESS_LOG", "HAPROXYHTTP", "SQUID3", "RUBY_LOGGER", "REDISMONLOG", "REDISLOG",
    "CATALINALOG", "TOMCATLOG", "POSTGRESQL", "SYSLOGLINE",
};

// Anchored matchers, compiled once (nullptr for one RE2 refuses).
const std::vector<std::unique_ptr<CompiledGrok>>& matchers() {
  static const auto* compiled = [] {
    auto* v = new std::vector<std::unique_ptr<CompiledGrok>>();
    GrokLibrary library;
    for (std::string_view name : kFormats) {
      auto g = compile_grok(library, "^%{" + std::string(name) + "}$");
      v->push_back(g.ok() ? std::move(*g) : nullptr);
    }
    return v;
  }();
  return *compiled;
}

}  // namespace

std::span<const std::string_view> known_log_formats() { return kFormats; }

std::optional<std::string> detect_log_format(std::string_view head) {
  std::vector<std::string_view> lines;
  while (!head.empty() && lines.size() < 20) {
    size_t nl = head.find('\n');
    if (nl == std::string_view::npos && !lines.empty()) break;  // partial last line
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) return std::nullopt;
  std::vector<std::string_view> values;
  const auto& all = matchers();
  for (size_t i = 0; i < all.size(); ++i) {
    if (!all[i]) continue;
    size_t hits = 0;
    for (auto line : lines) hits += all[i]->match(line, &values) ? 1 : 0;
    if (hits * 5 >= lines.size() * 4) return std::string(kFormats[i]);
  }
  return std::nullopt;
}

}  // namespace mortar::formats::grok
