// libFuzzer target: any bytes through the CSV reader (inference, several
// dialects, tiny blocks so records cross block boundaries) must give rows or
// a clean error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/csv/csv_reader.h"
#include "formats/fuzz_support.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options.
  const uint8_t pick = data[0];
  mortar::formats::ReadOptions options;
  options.batch_rows = 1 + (pick & 7) * 3;
  options.format_options["withHeader"] = (pick & 8) ? "true" : "false";
  options.format_options["blockSize"] = (pick & 16) ? "64" : "4096";
  if (pick & 32) options.format_options["escaper"] = "\\";
  if (pick & 64) options.format_options["allowRaggedRows"] = "true";
  if (pick & 128) options.format_options["separator"] = ";";
  auto reader = mortar::formats::csv::CsvReader::open_stream(
      std::make_unique<mortar::io::MemoryInputStream>(
          std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), "fuzz.csv"),
      "fuzz.csv", options, (pick & 3) == 0);
  if (!reader.ok()) return 0;
  mortar::formats::drain_for_fuzzing(**reader, 100000);
  return 0;
}
