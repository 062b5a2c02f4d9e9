// Glue's rules for tagging a resource, shared by every kind of taggable
// resource (catalog entities here, crawlers, later jobs ...), so they all
// answer the same errors. The ARN itself is parsed by common/tag_arn.h.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace mortar::catalog {

constexpr int kMaxTagsPerResource = 50;

// InvalidInput unless every tag value is a string (`tags` an object or null).
Status check_tag_values(const nlohmann::json& tags);

// LimitExceeded (ResourceNumberLimitExceededException) when a resource
// would end up with more than kMaxTagsPerResource tags.
Status check_tag_count(int64_t count);

}  // namespace mortar::catalog
