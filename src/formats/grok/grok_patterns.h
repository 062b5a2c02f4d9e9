// The built-in grok pattern library (logstash's legacy set, adapted to RE2).
#pragma once

#include <span>
#include <string_view>

namespace mortar::formats::grok {

struct GrokPatternDef {
  std::string_view name;
  std::string_view regex;  // may reference other patterns as %{NAME}
};

std::span<const GrokPatternDef> builtin_grok_patterns();

}  // namespace mortar::formats::grok
