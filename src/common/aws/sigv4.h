// AWS Signature Version 4, the one implementation in Mortar: the pieces of
// the algorithm and a signer. The server's verifier (api/sigv4_verifier.h)
// recomputes signatures with these functions and the S3 client
// (io/s3/s3_client.h) signs its requests with sigv4_sign(). It lives in
// common/ because io/ and api/ both need it. S3's differences are
// parameters: no path normalization / second URI encoding
// (normalize_path = false), x-amz-content-sha256 (add_content_sha256) and
// UNSIGNED-PAYLOAD (payload_hash).
//
//   canonical request = method \n canonical URI \n canonical query \n
//                       canonical headers \n signed headers \n payload hash
//   string to sign    = "AWS4-HMAC-SHA256" \n amz-date \n scope \n hex(sha256(creq))
//   signing key       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/http_message.h"
#include "common/status.h"

namespace mortar {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// RFC 3986 percent-encoding of everything but unreserved characters
// (A-Z a-z 0-9 - _ . ~), and '/' too unless encode_slash.
std::string sigv4_uri_encode(std::string_view s, bool encode_slash);

// The canonical URI of a path as sent on the wire (percent-encoded once).
// With normalize (every service but S3) dot segments and duplicate slashes
// are removed and each segment is encoded again; otherwise the wire path is
// used as is (S3).
std::string sigv4_canonical_uri(std::string_view wire_path, bool normalize);
// Pairs decoded, re-encoded, sorted by name then value; "a" becomes "a=".
std::string sigv4_canonical_query(std::string_view wire_query);
// Raw (unencoded) name/value pairs -> the encoded, sorted query string: what
// a client sends, and already canonical. A flag like "uploads" is {"uploads", ""}.
std::string sigv4_query_string(std::vector<std::pair<std::string, std::string>> raw_pairs);
// Trims and collapses runs of spaces (the header-value canonical form).
std::string sigv4_canonical_header_value(std::string_view value);

// headers: lower-case names; signed_headers: lower-case, sorted.
std::string sigv4_canonical_request(std::string_view method, std::string_view canonical_uri,
                                    std::string_view canonical_query,
                                    const std::map<std::string, std::string>& headers,
                                    const std::vector<std::string>& signed_headers,
                                    std::string_view payload_hash);
std::string sigv4_scope(std::string_view date8, std::string_view region, std::string_view service);
std::string sigv4_string_to_sign(std::string_view amz_date, std::string_view scope,
                                 std::string_view canonical_request);
std::string sigv4_signing_key(std::string_view secret, std::string_view date8,
                              std::string_view region, std::string_view service);
std::string sigv4_signature(std::string_view signing_key, std::string_view string_to_sign);  // hex

// "20150830T123600Z" <-> epoch seconds (UTC).
std::string format_amz_date(int64_t epoch_seconds);
std::optional<int64_t> parse_amz_date(std::string_view amz_date);

struct SigV4SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // sent as x-amz-security-token when set
  std::string region;         // "us-east-1"
  std::string service;        // "glue", "s3"
  int64_t epoch_seconds = 0;  // signing time
  bool add_content_sha256 = false;  // S3 needs x-amz-content-sha256
  bool normalize_path = true;       // false for S3
  // Use this payload hash instead of hashing the body (e.g. UNSIGNED-PAYLOAD).
  std::optional<std::string> payload_hash;
};

// Signs a request given by parts: `target` is the wire path[?query],
// `headers` (lower-case names, must include "host") gets x-amz-date,
// x-amz-security-token / x-amz-content-sha256 when asked, and authorization.
// `body` is hashed unless params.payload_hash is set.
Status sigv4_sign(std::string_view method, std::string_view target,
                  std::map<std::string, std::string>& headers, std::string_view body,
                  const SigV4SigningParams& params);

// Signs `request` in place: sets x-amz-date (and x-amz-security-token,
// x-amz-content-sha256 when asked), then Authorization over every header
// present except user-agent, expect, transfer-encoding, x-amzn-trace-id and
// authorization. Header names in `request` must be lower-case and include
// "host".
Status sigv4_sign_request(HttpRequest& request, const SigV4SigningParams& params);

}  // namespace mortar
