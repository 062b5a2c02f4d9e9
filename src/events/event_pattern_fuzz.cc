// libFuzzer target: arbitrary bytes as an EventBridge event pattern and an
// event, split at the first NUL byte (no NUL: the input is both). Parsing and
// matching must never crash, hang or recurse past the pattern's depth bound.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "events/event_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nul = in.find('\0');
  std::string_view pattern = in.substr(0, nul);
  std::string_view event = nul == std::string_view::npos ? in : in.substr(nul + 1);
  auto parsed = mortar::events::EventPattern::parse(pattern);
  if (!parsed.ok()) return 0;
  nlohmann::json e = nlohmann::json::parse(event, nullptr, /*allow_exceptions=*/false);
  if (!e.is_discarded()) (void)parsed->matches(e);
  (void)parsed->exact_strings({"detail", "bucket", "name"});
  (void)parsed->prefixes({"detail", "object", "key"});
  return 0;
}
