// Turns a request body into the JSON input object. An empty body is {};
// invalid UTF-8, malformed JSON, nesting deeper than kMaxJsonDepth or a
// non-object top level are SerializationException (400) with a clear message.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace mortar::api {

// Deeper than any Glue input shape; bounds the parser's recursion.
inline constexpr int kMaxJsonDepth = 64;

bool is_valid_utf8(std::string_view s);
StatusOr<nlohmann::json> parse_request_body(std::string_view body);

}  // namespace mortar::api
