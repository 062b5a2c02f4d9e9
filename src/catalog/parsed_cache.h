// Parsed JSON bodies keyed by row id (tables.id, partitions.id), reused while
// the stored text is byte-for-byte the same: every lookup passes the text
// just read, so an update, a delete or a reused id can never serve a stale
// parse. It only saves the parse, the dominant cost of GetTable and of a
// filtered GetPartitions.
//
// Bounded by memory, not entries: each entry is charged an estimate of its
// size (the text plus its parse, which nlohmann makes ~6-7x the text), and
// the least recently used entries go when the budget is exceeded. Entries of
// deleted rows are never read again, so they age out first. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "common/status.h"

namespace mortar::catalog {

class ParsedCache {
 public:
  explicit ParsedCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The parse of `text` stored under `id`, if it was cached from exactly `text`.
  std::shared_ptr<const nlohmann::json> find(int64_t id, const std::string& text);
  // Caches `parsed` as the parse of `text` under `id` (replacing any entry).
  // An entry larger than the whole budget is not kept.
  void put(int64_t id, const std::string& text, std::shared_ptr<const nlohmann::json> parsed);
  // A copy of find(), else parses `text` (Internal "corrupt catalog record"
  // if it is not JSON) and put()s it.
  StatusOr<nlohmann::json> get(int64_t id, const std::string& text);

  // What an entry for `text` is charged.
  static size_t charge(const std::string& text) { return 8 * text.size() + 128; }
  size_t bytes() const;  // charged bytes held now, <= max_bytes()
  size_t entries() const;
  size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    std::shared_ptr<const std::string> text;
    std::shared_ptr<const nlohmann::json> parsed;
    std::list<int64_t>::iterator lru;  // position in lru_
  };
  void erase_locked(std::unordered_map<int64_t, Entry>::iterator it);

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::unordered_map<int64_t, Entry> entries_;  // guarded by mu_
  std::list<int64_t> lru_;                      // most recent first; guarded by mu_
  size_t bytes_ = 0;                            // guarded by mu_
};

}  // namespace mortar::catalog
