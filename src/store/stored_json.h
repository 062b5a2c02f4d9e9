// JSON the store keeps as TEXT (bodies, tags, origins) read back: one parse
// for every module's rows, so a corrupt record is an Internal error naming
// what it was, never an exception.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.h"

namespace mortar::store {

// `what` names the record in the error ("job", "trigger", ...).
StatusOr<nlohmann::json> parse_stored_json(std::string_view text, std::string_view what);

}  // namespace mortar::store
