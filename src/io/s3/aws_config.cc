#include "io/s3/aws_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mortar::io::s3 {
namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

AwsProfiles parse_aws_ini(std::string_view text, bool config_file) {
  AwsProfiles out;
  AwsProfile* current = nullptr;  // null inside a section that is not a profile
  std::string parent;             // key whose indented sub-keys follow
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view raw = text.substr(pos, nl - pos);
    pos = nl + 1;
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (line.front() == '[' && line.back() == ']') {
      std::string name = trim(std::string_view(line).substr(1, line.size() - 2));
      current = nullptr;
      parent.clear();
      if (!config_file) {
        current = &out[name];
      } else if (name == "default") {
        current = &out[name];
      } else if (name.starts_with("profile ") || name.starts_with("profile\t")) {
        current = &out[trim(std::string_view(name).substr(8))];
      }
      continue;
    }
    if (current == nullptr) continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(std::string_view(line).substr(0, eq));
    std::string value = trim(std::string_view(line).substr(eq + 1));
    if (indented && !parent.empty()) {
      (*current)[parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : "";
    if (!value.empty()) (*current)[key] = value;
  }
  return out;
}

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> AwsProfileSettings::get(const std::string& key) const {
  if (auto it = credentials.find(key); it != credentials.end()) return it->second;
  if (auto it = config.find(key); it != config.end()) return it->second;
  return std::nullopt;
}

AwsProfileSettings load_aws_profile(const EnvLookup& env) {
  auto value = [&](const char* name) {
    auto v = env(name);
    return v && !v->empty() ? *v : std::string();
  };
  AwsProfileSettings s;
  s.name = value("AWS_PROFILE");
  if (s.name.empty()) s.name = value("AWS_DEFAULT_PROFILE");
  if (s.name.empty()) s.name = "default";
  std::string home = value("HOME");
  s.config_path = value("AWS_CONFIG_FILE");
  if (s.config_path.empty() && !home.empty()) s.config_path = home + "/.aws/config";
  s.credentials_path = value("AWS_SHARED_CREDENTIALS_FILE");
  if (s.credentials_path.empty() && !home.empty()) s.credentials_path = home + "/.aws/credentials";
  if (auto p = read_aws_profile(s.config_path, s.name, true); p.ok()) s.config = *std::move(p);
  if (auto p = read_aws_profile(s.credentials_path, s.name, false); p.ok()) {
    s.credentials = *std::move(p);
  }
  return s;
}

StatusOr<AwsProfile> read_aws_profile(const std::string& path, const std::string& profile,
                                      bool config_file) {
  if (path.empty()) return not_found("no AWS config file path");
  auto text = read_text(path);
  if (!text) return not_found("AWS " + std::string(config_file ? "config" : "credentials") +
                              " file " + path + " not readable");
  AwsProfiles all = parse_aws_ini(*text, config_file);
  auto it = all.find(profile);
  if (it == all.end()) return not_found("profile '" + profile + "' not in " + path);
  return it->second;
}

}  // namespace mortar::io::s3
