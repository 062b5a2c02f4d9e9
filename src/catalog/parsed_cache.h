// Parsed JSON bodies of stored rows (tables, partitions) keyed by row id,
// reused while the stored text is byte-for-byte the same. The check against
// the text read in the same query means an entry can never be stale (an
// update, a delete or a reused id changes the text); it only saves the parse,
// the dominant cost of GetTable and of a filtered GetPartitions. Bounded:
// when full it starts over. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace mortar::catalog {

class ParsedCache {
 public:
  explicit ParsedCache(size_t max_entries) : max_entries_(max_entries) {}

  // The parse of `text` (stored under `id`), from the cache when unchanged.
  // A body that is not JSON is an internal error.
  StatusOr<std::shared_ptr<const nlohmann::json>> get(int64_t id, const std::string& text);

 private:
  struct Entry {
    std::shared_ptr<const std::string> text;
    std::shared_ptr<const nlohmann::json> parsed;
  };
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<int64_t, Entry> entries_;  // guarded by mu_
};

}  // namespace mortar::catalog
