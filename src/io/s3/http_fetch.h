// One small plain HTTP request (through io/aws/aws_http.h), for the credential endpoints
// (container, EC2 instance metadata): short timeouts, no retries, no signing.
#pragma once

#include <map>
#include <string>

#include "common/status.h"

namespace mortar::io::s3 {

struct FetchResult {
  long status = 0;
  std::string body;
};

// Transport failures (refused, timeout) are Unavailable; any HTTP status is
// returned as is.
StatusOr<FetchResult> http_fetch(const std::string& method, const std::string& url,
                                 const std::map<std::string, std::string>& headers,
                                 long timeout_millis);

}  // namespace mortar::io::s3
