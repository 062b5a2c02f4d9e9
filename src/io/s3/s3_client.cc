#include "io/s3/s3_client.h"

#include "common/ascii.h"
#include "common/aws/sigv4.h"
#include "io/aws/aws_http.h"
#include "io/aws/aws_signing.h"
#include "io/s3/s3_xml.h"

namespace mortar::io::s3 {
namespace {

bool retryable(const S3Response& r) {
  if (r.status >= 500 || r.status == 429) return true;
  return r.status == 503 || r.body.find("<Code>SlowDown</Code>") != std::string::npos;
}

}  // namespace

S3Client::S3Client(S3Options options) : options_(std::move(options)) {
  std::string endpoint = options_.endpoint;
  if (endpoint.empty()) endpoint = "https://s3." + options_.region + ".amazonaws.com";
  size_t sep = endpoint.find("://");
  if (sep == std::string::npos) {
    scheme_ = "https";
    host_ = endpoint;
  } else {
    scheme_ = endpoint.substr(0, sep);
    host_ = endpoint.substr(sep + 3);
  }
  if (size_t slash = host_.find('/'); slash != std::string::npos) host_.resize(slash);
}

bool dns_compatible_bucket(std::string_view bucket) {  // see s3_client.h
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

StatusOr<S3Response> S3Client::send_once(const S3Request& req, Status* transport_error) const {
  std::string host = host_;
  std::string path;
  if (options_.path_style || !dns_compatible_bucket(req.bucket)) {
    path = "/" + sigv4_uri_encode(req.bucket, true) + "/" + sigv4_uri_encode(req.key, false);
  } else {
    host = req.bucket + "." + host_;
    path = "/" + sigv4_uri_encode(req.key, false);
  }
  std::string target = path;
  std::string query = sigv4_query_string(req.query);
  if (!query.empty()) target += "?" + query;
  std::map<std::string, std::string> headers;
  headers["host"] = host;
  for (const auto& [k, v] : req.headers) {
    headers[ascii_lower(k)] = v;
  }
  if ((req.method == "PUT" || req.method == "POST") && !headers.count("content-type")) {
    headers["content-type"] = "application/octet-stream";
  }
  SigV4SigningParams params;
  params.region = options_.region;
  params.service = "s3";
  params.add_content_sha256 = true;
  params.normalize_path = false;  // S3 signs the path as sent, encoded once
  if (options_.unsigned_payload) params.payload_hash = std::string(kUnsignedPayload);
  MORTAR_RETURN_IF_ERROR(aws::sign_with_credentials(options_.credentials.get(), req.method, target,
                                                    headers, req.body, std::move(params)));
  aws::HttpExchange ex;
  ex.method = req.method;
  ex.url = scheme_ + "://" + host + target;
  ex.headers = std::move(headers);
  ex.body = req.body;
  ex.connect_timeout_millis = options_.connect_timeout_seconds * 1000;
  ex.timeout_millis = options_.request_timeout_seconds * 1000;
  ex.cancel = req.cancel;
  ex.label = req.method + " s3://" + req.bucket + "/" + req.key;
  StatusOr<aws::HttpReply> exchanged = aws::http_exchange(ex);
  S3Response resp;
  if (!exchanged.ok()) {
    if (exchanged.status().code() != absl::StatusCode::kUnavailable) return exchanged.status();
    *transport_error = exchanged.status();
    return resp;
  }
  aws::HttpReply& reply = *exchanged;
  resp.status = reply.status;
  resp.headers = std::move(reply.headers);
  resp.body = std::move(reply.body);
  return resp;
}

StatusOr<S3Response> S3Client::send(const S3Request& req) const {
  S3Response last;
  Status transport_error;
  int attempts = std::max(1, options_.max_attempts);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) aws::sleep_before_retry(attempt, 100, 5000);
    if (req.cancel != nullptr && req.cancel->load()) {
      return absl::CancelledError(
          to_absl(req.method + " s3://" + req.bucket + "/" + req.key + ": cancelled"));
    }
    transport_error = ok_status();
    MORTAR_ASSIGN_OR_RETURN(last, send_once(req, &transport_error));
    last.attempts = attempt + 1;
    if (!transport_error.ok()) continue;
    if (!retryable(last)) return last;
  }
  if (!transport_error.ok()) {
    return absl::UnavailableError(to_absl(std::string(status_message(transport_error)) +
                                          " (after " + std::to_string(attempts) + " attempts)"));
  }
  return last;
}

Status S3Client::error_for(const S3Response& r, const std::string& uri, std::string_view what) {
  std::string msg = std::string(what) + " " + uri + ": HTTP " + std::to_string(r.status);
  if (auto code = xml_text(r.body, "Code")) msg += " " + *code;
  if (auto m = xml_text(r.body, "Message")) msg += ": " + *m;
  if (r.attempts > 1) msg += " (after " + std::to_string(r.attempts) + " attempts)";
  if (r.status == 404) return not_found(msg);
  if (r.status == 403) return access_denied(msg);
  if (r.status == 400) return invalid_input(msg);
  return internal_error(msg);
}

}  // namespace mortar::io::s3
