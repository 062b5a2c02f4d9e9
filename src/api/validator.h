// Checks a request body against an operation's input shape in the Glue
// model: required members, JSON types, string lengths, patterns, enum
// values, list/map sizes, number ranges, unknown members. Errors are one
// InvalidInputException in AWS's wording, naming each member path:
//   "1 validation error detected: Value at 'tableInput.name' failed to
//    satisfy constraint: Member must have length less than or equal to 255"
// Structure members set to null are removed (null means absent), so
// handlers see only modelled, correctly typed values. Thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "api/glue_model.h"
#include "common/status.h"

namespace mortar::api {

Status validate_input(const Shape& shape, nlohmann::json& input);

}  // namespace mortar::api
