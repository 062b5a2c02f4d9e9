// Parsed JSON bodies keyed by row id, reused while the stored text is
// byte-for-byte the same. The check against the freshly read text means an
// entry can never be stale; it only saves the parse (the dominant cost of
// GetTable). Thread-safe.
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
  explicit ParsedCache(size_t max_entries = 8192) : max_entries_(max_entries) {}

  // The parse of `text` (stored under `id`), from the cache when unchanged.
  StatusOr<nlohmann::json> get(int64_t id, const std::string& text);

 private:
  struct Entry {
    std::shared_ptr<const std::string> text;
    std::shared_ptr<const nlohmann::json> parsed;
  };
  size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<int64_t, Entry> entries_;
};

}  // namespace mortar::catalog
