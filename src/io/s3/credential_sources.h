// The individual credential sources of the default chain (credentials.h).
// Each fetches once; RefreshingCredentialsProvider adds caching and refresh.
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "io/s3/credentials.h"

namespace mortar::io::s3 {

// Static keys of a profile (aws_access_key_id, aws_secret_access_key,
// aws_session_token); empty Credentials when the profile has none.
Credentials credentials_from_profile(const std::map<std::string, std::string>& profile);

// Runs `command` through /bin/sh and parses its stdout (the documented
// credential_process format: {"Version": 1, "AccessKeyId", "SecretAccessKey",
// "SessionToken", "Expiration"}). A non-zero exit, bad JSON or missing keys
// are errors naming the command.
StatusOr<Credentials> process_credentials(const std::string& command);

// GET `url` with the Authorization header `authorization_token` (when not
// empty) and parses {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}.
StatusOr<Credentials> container_credentials(const std::string& url,
                                            const std::string& authorization_token,
                                            long timeout_millis = 2000, int attempts = 3);

// EC2 IMDSv2: PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds),
// then GET /latest/meta-data/iam/security-credentials/ for the role name and
// GET .../<role> for the credentials, both with X-aws-ec2-metadata-token.
StatusOr<Credentials> instance_metadata_credentials(const std::string& endpoint,
                                                    long timeout_millis = 1000, int attempts = 1);

// Whether a container FULL_URI may be used: https, or http to a loopback
// address or the ECS/EKS link-local hosts (as the SDKs require).
bool allowed_container_uri(const std::string& url);

// Parses the JSON credential document of the container and IMDS endpoints
// and of credential_process (key names differ only in the session token's).
StatusOr<Credentials> parse_credentials_json(const std::string& text, const std::string& what);

}  // namespace mortar::io::s3
