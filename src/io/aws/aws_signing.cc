#include "io/aws/aws_signing.h"

#include "common/clock.h"

namespace mortar::io::aws {

Status sign_with_credentials(s3::CredentialsProvider* provider, std::string_view method,
                             std::string_view target, std::map<std::string, std::string>& headers,
                             std::string_view body, SigV4SigningParams params) {
  if (provider == nullptr) return ok_status();
  MORTAR_ASSIGN_OR_RETURN(s3::Credentials creds, provider->get());
  if (creds.empty()) return ok_status();
  params.access_key_id = creds.access_key_id;
  params.secret_access_key = creds.secret_access_key;
  params.session_token = creds.session_token;
  params.epoch_seconds = Clock::real().now_seconds();
  return sigv4_sign(method, target, headers, body, params);
}

}  // namespace mortar::io::aws
