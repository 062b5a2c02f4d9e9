// Statistics of one ORC column as a writer gathers them (per stripe, merged
// into the file's), serialized as ORC ColumnStatistics.
#pragma once

#include <cstdint>
#include <string>

#include "formats/orc/orc_metadata.h"

namespace mortar::formats::orc {

// Min/max/counts of one column, written as ORC ColumnStatistics.
struct StatsBuilder {
  uint64_t values = 0;
  bool has_null = false;
  bool has_minmax = false;
  int64_t int_min = 0, int_max = 0;
  double double_min = 0, double_max = 0;
  bool double_ok = true;  // false once a NaN was seen
  std::string string_min, string_max;
  bool string_ok = true;  // false once a value is too long to keep
  __int128 dec_min = 0, dec_max = 0;
  uint64_t true_count = 0;

  void merge(const StatsBuilder& other, OrcKind kind);
  // Serialized ColumnStatistics of a column of `kind` (decimals at `scale`).
  std::string serialize(OrcKind kind, int scale) const;
};

}  // namespace mortar::formats::orc
