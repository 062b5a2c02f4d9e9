// One HTTP exchange over libcurl: the only place Mortar's clients (the S3
// client, the AWS JSON-protocol client, the credential endpoints) talk
// HTTP. A request given by method, URL, headers and body; the status,
// headers and whole body back. No signing and no retries: callers add both
// (S3Client, JsonServiceClient). A curl handle per thread is reused, so
// consecutive calls on one thread keep their connection alive. Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::io::aws {

struct HttpExchange {
  std::string method = "POST";                 // GET, HEAD (no body read), PUT, POST, DELETE, ...
  std::string url;                             // "http://host:port/path?query", already encoded
  std::map<std::string, std::string> headers;  // sent as given
  // Borrowed, not copied (S3 parts are megabytes): must outlive the call.
  std::string_view body;
  long connect_timeout_millis = 10'000;
  long timeout_millis = 120'000;
  // When set and it becomes true, the transfer stops (checked about every
  // second and on each chunk) and the call returns Cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // A larger response body fails the exchange (Unavailable); 0 = no limit.
  size_t max_body_bytes = 0;
  bool no_proxy = false;  // link-local credential endpoints bypass any proxy
  // Names the request in errors ("GET s3://b/k"); empty = "<method> <url>".
  std::string label;
};

struct HttpReply {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Transport failures (refused, reset, timeout, body over the limit) are
// Unavailable with message "<label>: <curl's reason>"; a cancelled transfer
// is Cancelled "<label>: cancelled". Any HTTP status is returned as a reply.
StatusOr<HttpReply> http_exchange(const HttpExchange& request);

// The pause before retry number `attempt` (1, 2, ...): full jitter, uniform in
// [0, min(cap, base * 2^attempt)] milliseconds, as the AWS SDKs do.
void sleep_before_retry(int attempt, int64_t base_millis, int64_t cap_millis);

}  // namespace mortar::io::aws
