// Tag rows: each hangs off its entity's row (so deleting the entity drops
// its tags) and is keyed by a canonical resource key "<account>:<type>/<names>"
// (region-free, names lower-cased where Glue lower-cases them).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "store/store.h"

namespace mortar::catalog {

struct TagTarget {
  enum Kind { kDatabase, kTable, kConnection, kFunction };
  Kind kind;
  int64_t id;
  std::string resource;  // canonical key
};

inline std::string tag_resource_key(const CallContext& ctx, const std::string& suffix) {
  return ctx.catalog_id + ":" + suffix;
}

// Adds or overwrites tags ({"k": "v", ...}); null or empty does nothing.
Status put_tags(store::Transaction& tx, const TagTarget& target, const nlohmann::json& tags);

}  // namespace mortar::catalog
