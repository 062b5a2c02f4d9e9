#include "catalog/parsed_cache.h"

namespace mortar::catalog {

StatusOr<nlohmann::json> ParsedCache::get(int64_t id, const std::string& text) {
  Entry hit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) hit = it->second;
  }
  // Compare and copy outside the lock; the shared_ptrs keep the entry alive.
  if (hit.text && *hit.text == text) return *hit.parsed;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return internal_error("corrupt catalog record");
  Entry fresh{std::make_shared<const std::string>(text),
              std::make_shared<const nlohmann::json>(parsed)};
  std::lock_guard<std::mutex> lock(mu_);
  // Whole-map reset when full: simple, and hot rows come back on next read.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[id] = std::move(fresh);
  return parsed;
}

}  // namespace mortar::catalog
