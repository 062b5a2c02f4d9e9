// libFuzzer target: the Parquet reader over an in-memory file. Any input
// must give batches or an error: no crash, hang or unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/fuzz_support.h"
#include "formats/parquet/parquet_reader.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = std::make_unique<mortar::io::MemoryRandomAccessFile>(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet");
  mortar::formats::ReadOptions options;
  options.batch_rows = 1000;
  auto reader = mortar::formats::parquet::ParquetReader::open(std::move(file), options);
  if (!reader.ok()) return 0;
  mortar::formats::drain_for_fuzzing(**reader, 10000);
  return 0;
}
