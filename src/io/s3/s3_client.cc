#include "io/s3/s3_client.h"

#include <curl/curl.h>

#include <chrono>
#include <random>
#include <thread>

#include "common/aws/sigv4.h"
#include "common/clock.h"
#include "io/s3/s3_xml.h"

namespace mortar::io::s3 {
namespace {

void global_init() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

// One handle per thread (reset between requests) keeps connections alive.
struct HandleHolder {
  CURL* handle = nullptr;
  ~HandleHolder() {
    if (handle) curl_easy_cleanup(handle);
  }
};

CURL* thread_handle() {
  thread_local HandleHolder holder;
  if (!holder.handle) holder.handle = curl_easy_init();
  else curl_easy_reset(holder.handle);
  return holder.handle;
}

struct BodySink {
  CURL* curl;
  std::string* body;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->body->empty()) {  // one allocation for the whole body when its length is known
    curl_off_t length = -1;
    curl_easy_getinfo(sink->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length > 0 && length < (int64_t(1) << 32)) sink->body->reserve(static_cast<size_t>(length));
  }
  sink->body->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    (*headers)[name] = std::string(value);
  } else if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100 Continue or a redirect)
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

bool retryable(const S3Response& r) {
  if (r.status >= 500 || r.status == 429) return true;
  return r.status == 503 || r.body.find("<Code>SlowDown</Code>") != std::string::npos;
}

}  // namespace

S3Client::S3Client(S3Options options) : options_(std::move(options)) {
  global_init();
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

StatusOr<S3Response> S3Client::send_once(const S3Request& req, std::string* transport_error) const {
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
    std::string name = k;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers[name] = v;
  }
  if ((req.method == "PUT" || req.method == "POST") && !headers.count("content-type")) {
    headers["content-type"] = "application/octet-stream";
  }
  if (options_.credentials) {
    MORTAR_ASSIGN_OR_RETURN(s3::Credentials creds, options_.credentials->get());
    if (!creds.empty()) {
      SigV4SigningParams params;
      params.access_key_id = creds.access_key_id;
      params.secret_access_key = creds.secret_access_key;
      params.session_token = creds.session_token;
      params.region = options_.region;
      params.service = "s3";
      params.epoch_seconds = Clock::real().now_seconds();
      params.add_content_sha256 = true;
      params.normalize_path = false;  // S3 signs the path as sent, encoded once
      if (options_.unsigned_payload) params.payload_hash = std::string(kUnsignedPayload);
      MORTAR_RETURN_IF_ERROR(sigv4_sign(req.method, target, headers, req.body, params));
    }
  }
  std::string url = scheme_ + "://" + host + target;

  CURL* curl = thread_handle();
  if (!curl) return internal_error("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  S3Response resp;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (req.cancel != nullptr) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, req.cancel);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options_.request_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  BodySink sink{curl, &resp.body};
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &resp.headers);
  if (req.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (req.method == "PUT" || req.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  } else if (req.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    *transport_error = curl_easy_strerror(rc);
    return resp;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

StatusOr<S3Response> S3Client::send(const S3Request& req) const {
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string uri = "s3://" + req.bucket + "/" + req.key;
  S3Response last;
  std::string transport_error;
  int attempts = std::max(1, options_.max_attempts);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      // Full jitter: uniform in [0, min(cap, base * 2^attempt)).
      int64_t ceiling = std::min<int64_t>(5000, 100LL << std::min(attempt, 10));
      std::uniform_int_distribution<int64_t> dist(0, ceiling);
      std::this_thread::sleep_for(std::chrono::milliseconds(dist(rng)));
    }
    if (req.cancel != nullptr && req.cancel->load()) {
      return absl::CancelledError(to_absl(req.method + " " + uri + ": cancelled"));
    }
    transport_error.clear();
    MORTAR_ASSIGN_OR_RETURN(last, send_once(req, &transport_error));
    last.attempts = attempt + 1;
    if (!transport_error.empty()) continue;
    if (!retryable(last)) return last;
  }
  if (!transport_error.empty()) {
    return absl::UnavailableError(to_absl(req.method + " " + uri + ": " + transport_error + " (after " +
                                          std::to_string(attempts) + " attempts)"));
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
