// Verifies the SigV4 Authorization header of an incoming request. The body
// is hashed here (botocore and the aws CLI do not send x-amz-content-sha256;
// when a client does send it, it must match). Failures carry AWS's common
// error names (attached with glue_error, mapped by common/glue_errors):
//   MissingAuthenticationTokenException  403  no Authorization header
//   IncompleteSignatureException         400  malformed Authorization / no X-Amz-Date
//   UnrecognizedClientException          403  unknown or revoked access key id, or a
//                                             session token the lookup does not know
//   InvalidSignatureException            403  wrong signature, scope (service, region),
//                                             or clock skew
// Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/http_message.h"
#include "common/status.h"

namespace mortar::api {

struct SigV4Identity {
  std::string access_key_id;
  std::string region;   // from the credential scope
  std::string date8;    // "20150830"
};

// The secret for an access key id and the request's session token
// (X-Amz-Security-Token, "" when absent: long-term keys); NotFound when the
// key is unknown or revoked or the token is not one the server issued.
using SecretLookup = std::function<StatusOr<std::string>(const std::string& access_key_id,
                                                         const std::string& session_token)>;

struct ParsedAuthorization {
  std::string access_key_id, date8, region, service, terminal;
  std::vector<std::string> signed_headers;
  std::string signature;  // lower-case hex
};

// Parses "AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
// SignedHeaders=a;b, Signature=hex". IncompleteSignatureException on error.
StatusOr<ParsedAuthorization> parse_sigv4_authorization(const std::string& header);

class SigV4Verifier {
 public:
  // `service` is the scope's service name ("glue"); `regions` the regions a
  // credential scope may name (empty: any).
  SigV4Verifier(std::string service, const Clock& clock, int64_t max_skew_seconds = 15 * 60,
                std::vector<std::string> regions = {})
      : service_(std::move(service)),
        clock_(clock),
        max_skew_seconds_(max_skew_seconds),
        regions_(std::move(regions)) {}

  StatusOr<SigV4Identity> verify(const HttpRequest& request, const SecretLookup& lookup) const;

 private:
  std::string service_;
  const Clock& clock_;
  int64_t max_skew_seconds_;
  std::vector<std::string> regions_;
};

}  // namespace mortar::api
