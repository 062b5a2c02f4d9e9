// libFuzzer target: any bytes through the XML reader (both passes, options
// varied by the first byte; maxRecordSize 64 when the size is a multiple of
// 3) must give rows or a clean error, never a crash,
// a hang or an invalid batch.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/fuzz_support.h"
#include "formats/xml/xml_reader.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  mortar::formats::ReadOptions options;
  options.batch_rows = 1 + (pick & 7) * 5;
  options.format_options["rowTag"] = (pick & 8) ? "row" : "a";
  if (pick & 16) options.format_options["excludeAttribute"] = "true";
  if (pick & 32) options.format_options["ignoreSurroundingSpaces"] = "true";
  if (pick & 64) options.format_options["treatEmptyValuesAsNulls"] = "true";
  if (pick & 128) options.format_options["encoding"] = "ISO-8859-1";
  if (size % 3 == 0) options.format_options["maxRecordSize"] = "64";
  auto opener = [data, size]() -> mortar::StatusOr<std::unique_ptr<mortar::io::InputStream>> {
    return std::unique_ptr<mortar::io::InputStream>(// Short reads exercise the tokenizer's refills.
        std::make_unique<mortar::io::MemoryInputStream>(
            std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), "fuzz.xml", 7));
  };
  auto reader = mortar::formats::xml::XmlReader::open_stream(opener, "fuzz.xml", options);
  if (!reader.ok()) return 0;
  mortar::formats::drain_for_fuzzing(**reader, 100000);
  return 0;
}
