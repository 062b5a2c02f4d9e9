#include "catalog/parsed_cache.h"

#include "catalog/json_util.h"

namespace mortar::catalog {

StatusOr<std::shared_ptr<const nlohmann::json>> ParsedCache::get(int64_t id,
                                                                 const std::string& text) {
  Entry hit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) hit = it->second;
  }
  // Compare outside the lock; the shared_ptrs keep the entry alive.
  if (hit.text && *hit.text == text) return hit.parsed;
  MORTAR_ASSIGN_OR_RETURN(nlohmann::json parsed, parse_stored(text));
  Entry fresh{std::make_shared<const std::string>(text),
              std::make_shared<const nlohmann::json>(std::move(parsed))};
  std::lock_guard<std::mutex> lock(mu_);
  // Whole-map reset when full: simple, and hot rows come back on next read.
  if (entries_.size() >= max_entries_ && entries_.find(id) == entries_.end()) entries_.clear();
  entries_[id] = fresh;
  return fresh.parsed;
}

}  // namespace mortar::catalog
