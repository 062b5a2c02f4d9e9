// Parsed partition bodies, kept between GetPartitions calls: parsing ~1,000
// stored JSON bodies dominates a filtered GetPartitions, and hot partitions
// are read again and again. An entry is keyed by partition id and validated
// against the exact stored text read in the same query, so an update, a
// delete, or a reused id can never serve a stale body. Bounded: when full it
// starts over. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace mortar::catalog {

class PartitionBodyCache {
 public:
  explicit PartitionBodyCache(size_t capacity = 20000) : capacity_(capacity) {}

  // The parsed body of partition `id` if it was cached from exactly `text`.
  std::shared_ptr<const nlohmann::json> find(int64_t id, const std::string& text) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.text != text) return nullptr;
    return it->second.parsed;
  }

  void put(int64_t id, std::string text, std::shared_ptr<const nlohmann::json> parsed) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= capacity_ && entries_.find(id) == entries_.end()) entries_.clear();
    entries_[id] = Entry{std::move(text), std::move(parsed)};
  }

 private:
  struct Entry {
    std::string text;
    std::shared_ptr<const nlohmann::json> parsed;
  };
  const size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<int64_t, Entry> entries_;  // guarded by mu_
};

}  // namespace mortar::catalog
