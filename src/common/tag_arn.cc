#include "common/tag_arn.h"

namespace mortar {

StatusOr<TagArn> parse_tag_arn(const CallContext& ctx, const std::string& arn) {
  // Five colons delimit the fixed fields; the resource keeps any further ones.
  std::string fields[6];
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t p = arn.find(':', start);
    if (p == std::string::npos) return invalid_input("Invalid ResourceArn: " + arn);
    fields[i] = arn.substr(start, p - start);
    start = p + 1;
  }
  fields[5] = arn.substr(start);
  if (fields[0] != "arn" || fields[2] != "glue" || fields[5].empty()) {
    return invalid_input("Invalid ResourceArn: " + arn);
  }
  if (fields[4] != ctx.catalog_id) {
    return access_denied("ResourceArn " + arn + " belongs to another account.");
  }
  TagArn out;
  out.text = arn;
  out.account = fields[4];
  out.resource = fields[5];
  size_t slash = out.resource.find('/');
  out.type = out.resource.substr(0, slash);
  if (slash != std::string::npos) out.path = out.resource.substr(slash + 1);
  return out;
}

}  // namespace mortar
