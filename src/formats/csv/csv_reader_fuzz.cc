// libFuzzer target: any bytes through the CSV reader (inference, several
// dialects, tiny blocks so records cross block boundaries, choice types) must
// give rows or a clean error, never a crash or a hang; with choice types, the
// whole-file schema must cover every batch the reader then yields.
#include <cstddef>
#include <cstdint>
#include <string>

#include "formats/csv/csv_reader.h"
#include "formats/fuzz_support.h"
#include "io/memory_file.h"

namespace {

using mortar::types::DataType;

// `t` is `whole` or one of its choice alternatives.
bool covered(const DataType& t, const DataType& whole) {
  if (t.equals(whole)) return true;
  if (whole.kind() != mortar::types::TypeKind::kChoice) return false;
  for (const auto& f : whole.fields())
    if (t.equals(*f.type)) return true;
  return false;
}

}  // namespace

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
  // The input's length picks per-value typing (a two-row sample, so values
  // after it widen their batch) and the whole-file schema check.
  const bool choice = size % 3 != 0;
  if (choice) {
    options.format_options["choiceTypes"] = "true";
    options.format_options["inferSampleRows"] = "2";
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto open = [&](const mortar::formats::ReadOptions& o) {
    return mortar::formats::csv::CsvReader::open_stream(
        std::make_unique<mortar::io::MemoryInputStream>(text, "fuzz.csv"), "fuzz.csv", o,
        (pick & 3) == 0);
  };
  auto reader = open(options);
  if (!reader.ok()) return 0;
  if (!choice || size % 3 != 2) {
    mortar::formats::drain_for_fuzzing(**reader, 100000);
    return 0;
  }
  auto whole_options = options;
  whole_options.format_options["wholeFileSchema"] = "true";
  auto whole = open(whole_options);
  if (!whole.ok()) return 0;
  const auto& want = (*whole)->schema()->fields();
  for (int i = 0; i < 100000; ++i) {
    auto batch = (*reader)->next();
    if (!batch.ok() || !*batch) return 0;
    if (!(*batch)->validate().ok()) __builtin_trap();
    const auto& got = (*batch)->schema()->fields();
    if (got.size() != want.size()) __builtin_trap();
    for (size_t c = 0; c < got.size(); ++c)
      if (!covered(*got[c].type, *want[c].type)) __builtin_trap();
  }
  return 0;
}
