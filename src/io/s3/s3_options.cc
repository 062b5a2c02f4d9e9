#include "io/s3/s3_options.h"

#include <cstdlib>
#include <fstream>

namespace mortar::io {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

StatusOr<s3::Credentials> read_credentials_file(const std::string& path, const std::string& profile) {
  std::ifstream in(path);
  if (!in) return not_found("credentials file " + path + " not readable");
  s3::Credentials creds;
  bool in_profile = false, found = false;
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string name = trim(line.substr(1, line.size() - 2));
      if (name.starts_with("profile ")) name = trim(name.substr(8));
      in_profile = name == profile;
      found = found || in_profile;
      continue;
    }
    if (!in_profile) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") creds.access_key_id = value;
    else if (key == "aws_secret_access_key") creds.secret_access_key = value;
    else if (key == "aws_session_token") creds.session_token = value;
  }
  if (!found) return not_found("profile '" + profile + "' not in credentials file " + path);
  return creds;
}

S3Options s3_options_from_environment() {
  S3Options o;
  o.endpoint = env("MORTAR_S3_ENDPOINT");
  if (o.endpoint.empty()) o.endpoint = env("AWS_ENDPOINT_URL_S3");
  if (o.endpoint.empty()) o.endpoint = env("AWS_ENDPOINT_URL");
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  std::string region = env("AWS_REGION");
  if (region.empty()) region = env("AWS_DEFAULT_REGION");
  if (!region.empty()) o.region = region;
  o.path_style = !o.endpoint.empty();
  std::string ps = env("MORTAR_S3_PATH_STYLE");
  if (!ps.empty()) o.path_style = ps != "0" && ps != "false";
  o.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
  o.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  o.credentials.session_token = env("AWS_SESSION_TOKEN");
  if (o.credentials.empty()) {
    std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
    if (file.empty() && !env("HOME").empty()) file = env("HOME") + "/.aws/credentials";
    std::string profile = env("AWS_PROFILE");
    if (profile.empty()) profile = "default";
    if (!file.empty()) {
      auto creds = read_credentials_file(file, profile);
      if (creds.ok()) o.credentials = *creds;
    }
  }
  return o;
}

}  // namespace mortar::io
