#include "io/s3/s3_options.h"

#include <cstdlib>

namespace mortar::io {

S3Options s3_options_from_environment(const s3::EnvLookup& env) {
  auto value = [&](const char* name) {
    auto v = env(name);
    return v ? *v : std::string();
  };
  auto number = [&](const char* name, int64_t fallback, int64_t min) {
    std::string v = value(name);
    if (v.empty()) return fallback;
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    return end && *end == '\0' && n >= min ? int64_t(n) : fallback;
  };
  S3Options o;
  s3::AwsProfileSettings profile = s3::load_aws_profile(env);
  o.endpoint = value("MORTAR_S3_ENDPOINT");
  if (o.endpoint.empty()) o.endpoint = value("AWS_ENDPOINT_URL_S3");
  if (o.endpoint.empty()) o.endpoint = value("AWS_ENDPOINT_URL");
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  std::string region = value("AWS_REGION");
  if (region.empty()) region = value("AWS_DEFAULT_REGION");
  if (region.empty()) region = profile.config.count("region") ? profile.config.at("region") : "";
  if (!region.empty()) o.region = region;
  o.path_style = !o.endpoint.empty();
  if (auto style = profile.config.find("s3.addressing_style"); style != profile.config.end()) {
    if (style->second == "path") o.path_style = true;
    if (style->second == "virtual") o.path_style = false;
  }
  std::string ps = value("MORTAR_S3_PATH_STYLE");
  if (!ps.empty()) o.path_style = ps != "0" && ps != "false";
  s3::CredentialsChainOptions chain;
  chain.getenv = env;
  o.credentials = std::make_shared<s3::DefaultCredentialsChain>(std::move(chain));
  o.read_parallelism = int(number("MORTAR_S3_READ_PARALLELISM", o.read_parallelism, 1));
  o.write_parallelism = int(number("MORTAR_S3_WRITE_PARALLELISM", o.write_parallelism, 1));
  o.read_chunk = number("MORTAR_S3_READ_CHUNK", o.read_chunk, 1);
  o.part_size = number("MORTAR_S3_PART_SIZE", o.part_size, 1);
  o.multipart_copy_threshold =
      number("MORTAR_S3_MULTIPART_COPY_THRESHOLD", o.multipart_copy_threshold, 1);
  o.copy_part_size = number("MORTAR_S3_COPY_PART_SIZE", o.copy_part_size, 1);
  std::string up = value("MORTAR_S3_UNSIGNED_PAYLOAD");
  o.unsigned_payload = !up.empty() && up != "0" && up != "false";
  return o;
}

}  // namespace mortar::io
