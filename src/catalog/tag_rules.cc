#include "catalog/tag_rules.h"

namespace mortar::catalog {

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
