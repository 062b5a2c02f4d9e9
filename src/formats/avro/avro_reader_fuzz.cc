// libFuzzer target: the Avro reader over an in-memory file. Any input must
// give batches or an error, and its records counted from the block headers
// or a problem: no crash, hang or unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/avro/avro_reader.h"
#include "formats/fuzz_support.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = std::make_unique<mortar::io::MemoryRandomAccessFile>(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.avro");
  mortar::formats::ReadOptions options;
  options.batch_rows = 1000;
  auto reader = mortar::formats::avro::AvroReader::open(std::move(file), options);
  if (!reader.ok()) return 0;
  // The block-header walk the crawler uses, with a tiny window to exercise refills.
  mortar::formats::avro::AvroCountOptions count_options;
  count_options.read_size = 40;
  (void)(*reader)->count_records(count_options);
  mortar::formats::drain_for_fuzzing(**reader, 1000);
  return 0;
}
