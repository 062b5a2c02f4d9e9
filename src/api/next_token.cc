#include "api/next_token.h"

#include "common/crypto.h"
#include "api/strings.h"

namespace mortar::api {
namespace {

constexpr size_t kMacSize = 32;

// The MAC binds the position to the operation and query; the separators keep
// ("a|b", "c") and ("a", "b|c") apart because each part is length-prefixed.
std::string mac_input(const std::string& operation, const std::string& fingerprint,
                      const std::string& payload) {
  return str_cat(operation.size(), ":", operation, "|", fingerprint.size(), ":", fingerprint,
                      "|", payload);
}

Status invalid_token() {
  return glue_error(absl::StatusCode::kInvalidArgument, "InvalidInputException",
                    "Invalid NextToken");
}

}  // namespace

std::string NextTokenCodec::encode(const std::string& operation,
                                   const std::string& query_fingerprint,
                                   const nlohmann::json& position) const {
  std::string payload = position.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string mac = hmac_sha256(secret_, mac_input(operation, query_fingerprint, payload));
  return base64url_encode(mac + payload);
}

StatusOr<nlohmann::json> NextTokenCodec::decode(const std::string& operation,
                                                const std::string& query_fingerprint,
                                                const std::string& token) const {
  auto raw = base64url_decode(token);
  if (!raw || raw->size() < kMacSize) return invalid_token();
  std::string payload = raw->substr(kMacSize);
  std::string expected = hmac_sha256(secret_, mac_input(operation, query_fingerprint, payload));
  if (!constant_time_equals(expected, std::string_view(*raw).substr(0, kMacSize))) {
    return invalid_token();
  }
  nlohmann::json position = nlohmann::json::parse(payload, nullptr, false);
  if (position.is_discarded()) return invalid_token();
  return position;
}

}  // namespace mortar::api
