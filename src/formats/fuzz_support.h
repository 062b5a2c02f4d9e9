// Shared by the format readers' libFuzzer targets: read every batch a reader
// gives (up to a bound, so a tiny input cannot keep a run busy forever) and
// trap if a batch breaks the columnar invariants. Errors are fine; crashes,
// hangs and malformed batches are the bugs.
#pragma once

#include "formats/format.h"

namespace mortar::formats {

inline void drain_for_fuzzing(RecordReader& reader, int max_batches) {
  for (int i = 0; i < max_batches; ++i) {
    auto batch = reader.next();
    if (!batch.ok() || !*batch) return;
    if (!(*batch)->validate().ok()) __builtin_trap();
  }
}

}  // namespace mortar::formats
