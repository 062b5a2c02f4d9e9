// Opaque, tamper-evident pagination tokens. A token carries the position to
// resume from, bound by an HMAC to the operation and a fingerprint of the
// query (database, expression, ...), so a token replayed against another
// operation or query, or edited, is rejected with InvalidInputException.
// Tokens never repeat within one listing (botocore aborts on a repeat).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace mortar::api {

class NextTokenCodec {
 public:
  // `secret` is the server's token key (random, kept in the data dir).
  explicit NextTokenCodec(std::string secret) : secret_(std::move(secret)) {}

  std::string encode(const std::string& operation, const std::string& query_fingerprint,
                     const nlohmann::json& position) const;
  StatusOr<nlohmann::json> decode(const std::string& operation,
                                  const std::string& query_fingerprint,
                                  const std::string& token) const;

 private:
  std::string secret_;
};

}  // namespace mortar::api
