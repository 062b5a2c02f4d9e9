#include "catalog/tag_rules.h"

namespace mortar::catalog {

Status check_tag_values(const nlohmann::json& tags) {
  if (!tags.is_object()) return ok_status();
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (!it.value().is_string()) return invalid_input("Tag values must be strings.");
  }
  return ok_status();
}

Status check_tag_count(int64_t count) {
  if (count > kMaxTagsPerResource) {
    return limit_exceeded("A resource may have at most " + std::to_string(kMaxTagsPerResource) +
                          " tags.");
  }
  return ok_status();
}

}  // namespace mortar::catalog
