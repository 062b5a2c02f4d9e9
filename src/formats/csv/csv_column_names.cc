#include "formats/csv/csv_column_names.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <fmt/format.h>

namespace mortar::formats::csv {

void make_names_unique(std::vector<std::string>& names) {
  absl::flat_hash_set<std::string> taken;
  taken.reserve(names.size());
  // Per repeated base name, the next suffix to try. A suffix tried before was
  // taken then and still is (names are only added), so resuming is exact; and
  // "base_k" splits at its last '_' into one (base, k), so each taken name
  // fails at most one try: the whole loop is linear.
  absl::flat_hash_map<std::string, int64_t> next_suffix;
  std::string candidate;
  for (std::string& name : names) {
    if (taken.insert(name).second) continue;
    int64_t& k = next_suffix.try_emplace(name, 1).first->second;
    do {
      candidate = fmt::format("{}_{}", name, k++);
    } while (taken.contains(candidate));
    name = candidate;
    taken.insert(name);
  }
}

}  // namespace mortar::formats::csv
