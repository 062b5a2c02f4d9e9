#include "io/aws/json_service_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "io/aws/aws_signing.h"

namespace mortar::io::aws {
namespace {

// Codes AWS services use for "slow down" (botocore's standard retry mode list).
bool throttling_code(std::string_view code) {
  static const std::set<std::string_view> kCodes = {"Throttling",
                                                    "ThrottlingException",
                                                    "ThrottledException",
                                                    "RequestThrottledException",
                                                    "TooManyRequestsException",
                                                    "ProvisionedThroughputExceededException",
                                                    "TransactionInProgressException",
                                                    "RequestLimitExceeded",
                                                    "BandwidthLimitExceeded",
                                                    "LimitExceededException",
                                                    "RequestThrottled",
                                                    "SlowDown",
                                                    "PriorRequestNotComplete",
                                                    "EC2ThrottledException"};
  return kCodes.count(code) > 0;
}

absl::StatusCode canonical_code(std::string_view code, long http_status) {
  static const std::map<std::string_view, absl::StatusCode> kCodes = {
      {"EntityNotFoundException", absl::StatusCode::kNotFound},
      {"ResourceNotFoundException", absl::StatusCode::kNotFound},
      {"AlreadyExistsException", absl::StatusCode::kAlreadyExists},
      {"IdempotentParameterMismatchException", absl::StatusCode::kAlreadyExists},
      {"InvalidInputException", absl::StatusCode::kInvalidArgument},
      {"ValidationException", absl::StatusCode::kInvalidArgument},
      {"SerializationException", absl::StatusCode::kInvalidArgument},
      {"ConcurrentModificationException", absl::StatusCode::kAborted},
      {"ConcurrentRunsExceededException", absl::StatusCode::kResourceExhausted},
      {"ResourceNumberLimitExceededException", absl::StatusCode::kResourceExhausted},
      {"AccessDeniedException", absl::StatusCode::kPermissionDenied},
      {"UnrecognizedClientException", absl::StatusCode::kPermissionDenied},
      {"InvalidSignatureException", absl::StatusCode::kPermissionDenied},
      {"IncompleteSignatureException", absl::StatusCode::kPermissionDenied},
      {"MissingAuthenticationTokenException", absl::StatusCode::kPermissionDenied},
      {"ExpiredTokenException", absl::StatusCode::kPermissionDenied},
      {"UnknownOperationException", absl::StatusCode::kUnimplemented},
      {"OperationTimeoutException", absl::StatusCode::kDeadlineExceeded},
      {"InternalServiceException", absl::StatusCode::kInternal},
  };
  if (auto it = kCodes.find(code); it != kCodes.end()) return it->second;
  if (throttling_code(code) || http_status == 429 || http_status == 503)
    return absl::StatusCode::kUnavailable;
  if (http_status >= 500) return absl::StatusCode::kInternal;
  if (http_status == 401 || http_status == 403) return absl::StatusCode::kPermissionDenied;
  if (http_status == 404) return absl::StatusCode::kNotFound;
  return absl::StatusCode::kFailedPrecondition;
}

std::string json_string(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

StatusOr<JsonServiceOptions> glue_options_from_environment(const s3::EnvLookup& env) {
  auto value = [&](const char* name) {
    auto v = env(name);
    return v ? *v : std::string();
  };
  JsonServiceOptions o;
  for (const char* name : {"MORTAR_ENDPOINT", "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL"}) {
    o.endpoint = value(name);
    if (!o.endpoint.empty()) break;
  }
  if (o.endpoint.empty()) return invalid_input("no Glue endpoint: set MORTAR_ENDPOINT");
  std::string region = value("AWS_REGION");
  if (region.empty()) region = value("AWS_DEFAULT_REGION");
  if (region.empty()) {
    s3::AwsProfileSettings profile = s3::load_aws_profile(env);
    if (auto r = profile.config.find("region"); r != profile.config.end()) region = r->second;
  }
  if (!region.empty()) o.region = region;
  s3::CredentialsChainOptions chain;
  chain.getenv = env;
  o.credentials = std::make_shared<s3::DefaultCredentialsChain>(std::move(chain));
  return o;
}

JsonServiceClient::JsonServiceClient(JsonServiceOptions options) : options_(std::move(options)) {
  std::string endpoint = options_.endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  size_t sep = endpoint.find("://");
  std::string rest = sep == std::string::npos ? endpoint : endpoint.substr(sep + 3);
  if (sep == std::string::npos) endpoint = "https://" + endpoint;
  size_t slash = rest.find('/');
  host_ = rest.substr(0, slash);
  path_ = slash == std::string::npos ? "/" : rest.substr(slash);
  url_ = endpoint + (slash == std::string::npos ? "/" : "");
}

StatusOr<HttpReply> JsonServiceClient::send_once(std::string_view operation,
                                                 std::string_view body) const {
  HttpExchange ex;
  ex.method = "POST";
  ex.url = url_;
  ex.body = body;  // call()'s string, alive until the exchange returns
  ex.connect_timeout_millis = options_.connect_timeout_seconds * 1000;
  ex.timeout_millis = options_.request_timeout_seconds * 1000;
  ex.headers["host"] = host_;
  ex.headers["content-type"] = "application/x-amz-json-1.1";
  ex.headers["x-amz-target"] = options_.target_prefix + "." + std::string(operation);
  SigV4SigningParams params;
  params.region = options_.region;
  params.service = options_.service;
  MORTAR_RETURN_IF_ERROR(sign_with_credentials(options_.credentials.get(), "POST", path_,
                                               ex.headers, ex.body, std::move(params)));
  return options_.transport ? options_.transport(ex) : http_exchange(ex);
}

StatusOr<std::string> JsonServiceClient::call(std::string_view operation,
                                              std::string_view request) const {
  if (operation.empty()) return invalid_input("empty operation name");
  std::string body = request.empty() ? "{}" : std::string(request);
  int attempts = std::max(1, options_.max_attempts);
  Status transport_error;
  HttpReply last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0)
      sleep_before_retry(attempt, options_.backoff_base_millis, options_.backoff_cap_millis);
    StatusOr<HttpReply> reply = send_once(operation, body);
    if (!reply.ok()) {
      if (reply.status().code() != absl::StatusCode::kUnavailable) return reply.status();
      transport_error = reply.status();
      continue;
    }
    transport_error = ok_status();
    last = std::move(reply).value();
    if (last.status >= 200 && last.status < 300) return std::move(last.body);
    if (!retryable_reply(last)) return aws_error_status(operation, last);
  }
  std::string after = " (after " + std::to_string(attempts) + " attempts)";
  if (!transport_error.ok()) return annotate(transport_error, std::string(operation) + after);
  Status s = aws_error_status(operation, last);
  return glue_error(s.code(), glue_error_name(s).value_or(""),
                    std::string(status_message(s)) + after);
}

std::string aws_error_code(std::string_view body,
                           const std::map<std::string, std::string>& headers) {
  std::string code;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) code = json_string(j, "__type");
  if (code.empty()) {
    if (auto it = headers.find("x-amzn-errortype"); it != headers.end()) code = it->second;
  }
  if (size_t hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  if (size_t colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  return code;
}

Status aws_error_status(std::string_view operation, const HttpReply& reply) {
  std::string code = aws_error_code(reply.body, reply.headers);
  std::string message;
  nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) {
    for (const char* key : {"message", "Message", "errorMessage"}) {
      message = json_string(j, key);
      if (!message.empty()) break;
    }
  }
  if (message.empty() && !j.is_object() && !reply.body.empty())
    message = reply.body.substr(0, 300);  // not JSON: a proxy's page, say
  if (message.empty()) message = "HTTP " + std::to_string(reply.status);
  std::string name = code.empty() ? "HTTP " + std::to_string(reply.status) : code;
  return glue_error(canonical_code(code, reply.status), code.empty() ? "" : code,
                    std::string(operation) + ": " + name + ": " + message);
}

bool retryable_reply(const HttpReply& reply) {
  if (reply.status >= 500 || reply.status == 429) return true;
  if (reply.status >= 200 && reply.status < 300) return false;
  return throttling_code(aws_error_code(reply.body, reply.headers));
}

}  // namespace mortar::io::aws
