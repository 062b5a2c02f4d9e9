// The AWS shared config files: ~/.aws/config (sections "[default]" and
// "[profile name]"; other sections such as "[sso-session x]" are not
// profiles) and ~/.aws/credentials (sections "[name]"). Indented lines under
// a key with an empty value are sub-keys, stored as "key.sub" (e.g.
// "s3.addressing_style"). Values are trimmed; "#" and ";" start comments.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::io::s3 {

using AwsProfile = std::map<std::string, std::string>;
using AwsProfiles = std::map<std::string, AwsProfile>;

AwsProfiles parse_aws_ini(std::string_view text, bool config_file);

// Environment lookup; returns nullopt for unset variables.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// The profile the SDKs would use and where its files are:
// AWS_PROFILE (else AWS_DEFAULT_PROFILE, else "default"),
// AWS_CONFIG_FILE (else ~/.aws/config), AWS_SHARED_CREDENTIALS_FILE
// (else ~/.aws/credentials). Files that do not exist contribute nothing.
struct AwsProfileSettings {
  std::string name;
  AwsProfile config;       // from the config file
  AwsProfile credentials;  // from the credentials file
  std::string config_path, credentials_path;

  // A key from the credentials file, else the config file (botocore's merge).
  std::optional<std::string> get(const std::string& key) const;
};
AwsProfileSettings load_aws_profile(const EnvLookup& env);

// One profile of an INI file; NotFound if the file or profile is missing.
StatusOr<AwsProfile> read_aws_profile(const std::string& path, const std::string& profile,
                                      bool config_file);

}  // namespace mortar::io::s3
