// A client for AWS services speaking the JSON 1.1 protocol (Glue first):
// `POST /` with `X-Amz-Target: <prefix>.<Operation>` and
// `Content-Type: application/x-amz-json-1.1`, signed with SigV4
// (common/aws/sigv4.h) using credentials from the S3 client's default chain
// (io/s3/credentials.h), retried with exponential backoff and full jitter on
// transport errors, HTTP 5xx/429 and throttling error codes.
//
// Bodies stay JSON text here so callers pick their own JSON library (the
// Python binding converts with Python's json module).
//
// Errors: `{"__type": "...#Code", "message": "..."}` becomes a Status whose
// glue_error_name() is the AWS code ("EntityNotFoundException") and whose
// canonical code follows it (NotFound, AlreadyExists, InvalidArgument, ...).
//
// Thread-safe: call() may be used from several threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "io/aws/aws_http.h"
#include "io/s3/aws_config.h"
#include "io/s3/credentials.h"

namespace mortar::io::aws {

struct JsonServiceOptions {
  std::string endpoint;  // "http(s)://host[:port][/path]"
  std::string region = "us-east-1";
  std::string service = "glue";           // SigV4 signing name
  std::string target_prefix = "AWSGlue";  // X-Amz-Target: <prefix>.<Operation>
  // Null or empty credentials -> unsigned requests.
  std::shared_ptr<s3::CredentialsProvider> credentials;
  int max_attempts = 5;
  int64_t backoff_base_millis = 100;  // full jitter in [0, min(cap, base * 2^attempt))
  int64_t backoff_cap_millis = 5000;
  long connect_timeout_seconds = 10;
  long request_timeout_seconds = 120;
  // Sends one request; null -> http_exchange (tests substitute a fake).
  std::function<StatusOr<HttpReply>(const HttpExchange&)> transport;
};

// Glue's settings from the environment: endpoint MORTAR_ENDPOINT, else
// AWS_ENDPOINT_URL_GLUE, else AWS_ENDPOINT_URL (none -> InvalidArgument
// "no Glue endpoint: set MORTAR_ENDPOINT"); region AWS_REGION, else
// AWS_DEFAULT_REGION, else the profile's region, else us-east-1; the
// default credentials chain.
StatusOr<JsonServiceOptions> glue_options_from_environment(
    const s3::EnvLookup& env = s3::process_environment());

class JsonServiceClient {
 public:
  explicit JsonServiceClient(JsonServiceOptions options);
  const JsonServiceOptions& options() const { return options_; }

  // Calls `operation` with the JSON text `request` ("" counts as "{}").
  // Returns the response body of a 2xx reply; an error reply becomes a
  // Status (see aws_error_status), transport failures after the last
  // attempt are Unavailable.
  StatusOr<std::string> call(std::string_view operation, std::string_view request) const;

 private:
  StatusOr<HttpReply> send_once(std::string_view operation, std::string_view body) const;

  JsonServiceOptions options_;
  std::string url_;   // endpoint with a path ("/" when it had none)
  std::string host_;  // host[:port], signed as "host"
  std::string path_;  // the signed path
};

// The AWS error code of an error reply: `__type` (after any '#', before any
// ':'), else the x-amzn-ErrorType header, else "" .
std::string aws_error_code(std::string_view body,
                           const std::map<std::string, std::string>& headers);

// The Status for an error reply of `operation`: message
// "<Operation>: <Code>: <message>", glue_error_name() = Code.
Status aws_error_status(std::string_view operation, const HttpReply& reply);

// Whether a reply is worth sending again: 5xx, 429, or a throttling code.
bool retryable_reply(const HttpReply& reply);

}  // namespace mortar::io::aws
