// libFuzzer target: arbitrary bytes as a FilterLogEvents filterPattern, the
// first half as the pattern and the rest as a message to match. Parsing and
// matching must never crash, hang or take more than linear time.
#include <cstdint>
#include <string_view>

#include "logs/filter_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view pattern = in.substr(0, in.size() / 2);
  std::string_view message = in.substr(in.size() / 2);
  auto parsed = mortar::logs::FilterPattern::parse(pattern);
  if (parsed.ok()) {
    (void)parsed->matches(message);
    (void)parsed->matches(pattern);
  }
  return 0;
}
