// libFuzzer target: the first line is a grok pattern (or, after a line
// "---", custom pattern definitions follow it), the rest are log lines. Any
// input must give rows or a clean error, never a crash or a hang (RE2 is
// linear-time; expansion is bounded). The pattern's last byte picks options:
// StrictMode (bit 0), LineCount 2 (bit 1), maxRecordSize 40 (bit 2).
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/fuzz_support.h"
#include "formats/grok/grok_reader.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  if (nl == std::string::npos) return 0;
  std::string pattern = text.substr(0, nl);
  std::string rest = text.substr(nl + 1);
  mortar::formats::ReadOptions options;
  options.batch_rows = 7;
  if (rest.rfind("---\n", 0) == 0) {
    size_t end = rest.find("\n---\n", 4);
    if (end != std::string::npos) {
      options.format_options["customPatterns"] = rest.substr(4, end - 4);
      rest = rest.substr(end + 5);
    }
  }
  options.format_options["logFormat"] = pattern;
  if (!pattern.empty() && (pattern.back() & 1)) options.format_options["StrictMode"] = "true";
  if (!pattern.empty() && (pattern.back() & 2)) options.format_options["LineCount"] = "2";
  if (!pattern.empty() && (pattern.back() & 4)) options.format_options["maxRecordSize"] = "40";
  auto reader = mortar::formats::grok::GrokReader::open_stream(
      std::make_unique<mortar::io::MemoryInputStream>(rest, "fuzz.log"), "fuzz.log", options);
  if (!reader.ok()) return 0;
  mortar::formats::drain_for_fuzzing(**reader, 100000);
  return 0;
}
