// libFuzzer target: any bytes through the JSON reader (inference, jsonPath,
// tiny blocks, a 100-byte maxRecordSize) must give rows or a clean error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/fuzz_support.h"
#include "formats/json/json_reader.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  mortar::formats::ReadOptions options;
  options.batch_rows = 1 + (pick & 7) * 5;
  options.format_options["blockSize"] = (pick & 8) ? "64" : "65536";
  if (pick & 16) options.format_options["jsonPath"] = "$.records[*]";
  if (pick & 32) options.format_options["inferSampleRows"] = "1";
  if (pick & 64) options.format_options["maxRecordSize"] = "100";
  auto reader = mortar::formats::json::JsonReader::open_stream(
      std::make_unique<mortar::io::MemoryInputStream>(
          std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), "fuzz.json"),
      "fuzz.json", options);
  if (!reader.ok()) return 0;
  mortar::formats::drain_for_fuzzing(**reader, 100000);
  return 0;
}
