// Glue's rules for tagging a resource by ARN, shared by every kind of
// taggable resource (catalog entities here, crawlers, later jobs ...), so
// they all answer the same errors.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/catalog.h"

namespace mortar::catalog {

constexpr int kMaxTagsPerResource = 50;

// arn:<partition>:glue:<region>:<account>:<type>/<path>
struct TagArn {
  std::string text;  // the ARN as given
  std::string account;
  std::string resource;  // "<type>/<path>", or "<type>" without a slash
  std::string type;      // "database", "crawler" ...
  std::string path;      // after "<type>/" (may itself hold '/' and ':')
};

// InvalidInput when `arn` is not a Glue ARN, AccessDenied when it names
// another account than the caller's catalog.
StatusOr<TagArn> parse_tag_arn(const CallContext& ctx, const std::string& arn);

// InvalidInput unless every tag value is a string (`tags` an object or null).
Status check_tag_values(const nlohmann::json& tags);

// LimitExceeded (ResourceNumberLimitExceededException) when a resource
// would end up with more than kMaxTagsPerResource tags.
Status check_tag_count(int64_t count);

}  // namespace mortar::catalog
