// The ARN of a taggable Glue resource (TagResource, UntagResource, GetTags),
// parsed once by the api's tag router and handed to the service that owns
// the resource (catalog entities, crawlers, jobs ...).
#pragma once

#include <string>

#include "common/call_context.h"
#include "common/status.h"

namespace mortar {

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

}  // namespace mortar
