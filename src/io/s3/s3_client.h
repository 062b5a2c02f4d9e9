// Signed S3 requests (common/aws/sigv4) with bounded retries (exponential backoff
// with full jitter on connection errors, 5xx, 429 and SlowDown), sent through
// io/aws/aws_http.h (one curl handle per thread, reused for keep-alive). Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "io/s3/s3_options.h"

namespace mortar::io::s3 {

struct S3Request {
  std::string method = "GET";
  std::string bucket;
  std::string key;  // raw (unencoded); empty for bucket-level requests
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set and it becomes true, the transfer stops and send() returns
  // Cancelled (e.g. a read-ahead stream destroyed mid-object).
  const std::atomic<bool>* cancel = nullptr;
};

struct S3Response {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int attempts = 1;  // how many times it was sent
};

// Whether a bucket name can be a host name label (virtual-host addressing):
// 3-63 of a-z 0-9 '-', not starting or ending with '-'. Others (dots, which
// break TLS wildcard certificates, upper case, '_') are sent path-style.
bool dns_compatible_bucket(std::string_view bucket);

class S3Client {
 public:
  explicit S3Client(S3Options options);
  const S3Options& options() const { return options_; }

  // Sends with retries. Returns the final response whatever its status
  // (callers decide what a 404 means); only transport failures after the
  // last attempt are an error.
  StatusOr<S3Response> send(const S3Request& request) const;

  // An error Status for a non-2xx response: names the s3:// URI, the HTTP
  // status and S3's error code/message; 404 -> NotFound, 403 -> PermissionDenied.
  static Status error_for(const S3Response& response, const std::string& uri,
                          std::string_view what);

 private:
  // One attempt. A transport failure (to retry) goes to *transport_error;
  // credential and signing errors, or a cancelled transfer, are returned.
  StatusOr<S3Response> send_once(const S3Request& request, Status* transport_error) const;

  S3Options options_;
  std::string scheme_;  // "http" or "https"
  std::string host_;    // host[:port] of the endpoint
};

}  // namespace mortar::io::s3
