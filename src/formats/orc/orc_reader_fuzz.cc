// libFuzzer target: the ORC reader over an in-memory file, with pruning on
// (so the stripe statistics are parsed too). Any input must give batches or
// an error: no crash, hang or unbounded allocation.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/fuzz_support.h"
#include "formats/orc/orc_reader.h"
#include "io/memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = std::make_unique<mortar::io::MemoryRandomAccessFile>(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.orc");
  mortar::formats::ReadOptions options;
  options.batch_rows = 1000;
  options.prune = [](const std::map<std::string, mortar::formats::ColumnStats>&) { return true; };
  auto reader = mortar::formats::orc::OrcReader::open(std::move(file), options);
  if (!reader.ok()) return 0;
  mortar::formats::drain_for_fuzzing(**reader, 1000);
  return 0;
}
