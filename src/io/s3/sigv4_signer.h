// AWS Signature Version 4 for S3 requests, self-contained for io/ (api/sigv4
// sits above io in the layering; the two should later share one signer
// moved down into common/ or io/).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mortar::io::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // optional (temporary credentials)
  bool empty() const { return access_key_id.empty(); }
};

inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct SigningRequest {
  std::string method;         // "GET", "PUT", ...
  std::string canonical_uri;  // already URI-encoded path, e.g. "/bucket/a%20b"
  // Raw (not encoded) query parameters; a flag like "uploads" has value "".
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to send and sign; must include "host". Names in any case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or kUnsignedPayload
};

// S3's URI encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) kept, '/'
// kept unless encode_slash, everything else %XX (upper-case hex).
std::string uri_encode(std::string_view s, bool encode_slash);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string base64_md5(std::string_view data);  // Content-MD5 header value

// The encoded, sorted query string (also what goes on the wire).
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
std::string canonical_request(const SigningRequest& req);
std::string string_to_sign(std::string_view canonical_request, std::string_view amz_date,
                           std::string_view region);
std::string signature(std::string_view string_to_sign, std::string_view secret,
                      std::string_view amz_date, std::string_view region);

// Adds x-amz-date, x-amz-content-sha256, x-amz-security-token (when set) and
// authorization to req.headers. amz_date is "YYYYMMDDTHHMMSSZ".
void sign_request(SigningRequest& req, const Credentials& creds, std::string_view region,
                  std::string_view amz_date);

// The current UTC time as "YYYYMMDDTHHMMSSZ".
std::string amz_date_now();

}  // namespace mortar::io::s3
