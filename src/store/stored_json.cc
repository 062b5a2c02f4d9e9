#include "store/stored_json.h"

#include <string>

namespace mortar::store {

StatusOr<nlohmann::json> parse_stored_json(std::string_view text, std::string_view what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return internal_error("stored " + std::string(what) + " JSON is corrupt");
  return j;
}

}  // namespace mortar::store
