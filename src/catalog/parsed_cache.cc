#include "catalog/parsed_cache.h"

namespace mortar::catalog {

std::shared_ptr<const nlohmann::json> ParsedCache::find(int64_t id, const std::string& text) {
  std::shared_ptr<const std::string> cached_text;
  std::shared_ptr<const nlohmann::json> parsed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    cached_text = it->second.text;
    parsed = it->second.parsed;
  }
  // Compare outside the lock; the shared_ptrs keep the entry's data alive.
  if (*cached_text != text) return nullptr;
  return parsed;
}

void ParsedCache::put(int64_t id, const std::string& text,
                      std::shared_ptr<const nlohmann::json> parsed) {
  const size_t cost = charge(text);
  auto owned_text = std::make_shared<const std::string>(text);
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = entries_.find(id); it != entries_.end()) erase_locked(it);
  if (cost > max_bytes_) return;
  while (bytes_ + cost > max_bytes_ && !lru_.empty()) erase_locked(entries_.find(lru_.back()));
  lru_.push_front(id);
  entries_.emplace(id, Entry{std::move(owned_text), std::move(parsed), lru_.begin()});
  bytes_ += cost;
}

StatusOr<nlohmann::json> ParsedCache::get(int64_t id, const std::string& text) {
  if (auto hit = find(id, text)) return *hit;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return internal_error("corrupt catalog record");
  put(id, text, std::make_shared<const nlohmann::json>(parsed));
  return parsed;
}

void ParsedCache::erase_locked(std::unordered_map<int64_t, Entry>::iterator it) {
  bytes_ -= charge(*it->second.text);
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

size_t ParsedCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t ParsedCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace mortar::catalog
