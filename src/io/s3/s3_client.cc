#include "io/s3/s3_client.h"

#include <curl/curl.h>

#include <chrono>
#include <random>
#include <thread>

#include "io/s3/s3_xml.h"
#include "io/s3/sigv4_signer.h"

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

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
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

StatusOr<S3Response> S3Client::send_once(const S3Request& req, std::string* transport_error) const {
  SigningRequest sreq;
  sreq.method = req.method;
  std::string host = host_;
  std::string path;
  if (options_.path_style) {
    path = "/" + uri_encode(req.bucket, true) + "/" + uri_encode(req.key, false);
    if (req.key.empty()) path = "/" + uri_encode(req.bucket, true) + "/";
  } else {
    host = req.bucket + "." + host_;
    path = "/" + uri_encode(req.key, false);
  }
  sreq.canonical_uri = path;
  sreq.query = req.query;
  sreq.headers.emplace_back("host", host);
  for (const auto& h : req.headers) sreq.headers.push_back(h);
  sreq.payload_hash = sha256_hex(req.body);
  if (!options_.credentials.empty()) {
    sign_request(sreq, options_.credentials, options_.region, amz_date_now());
  }
  std::string url = scheme_ + "://" + host + path;
  std::string query = canonical_query(req.query);
  if (!query.empty()) url += "?" + query;

  CURL* curl = thread_handle();
  if (!curl) return internal_error("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& [k, v] : sreq.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  if (req.method == "PUT" || req.method == "POST") {
    bool has_type = false;
    for (const auto& [k, v] : req.headers) has_type = has_type || k == "content-type";
    if (!has_type) list = curl_slist_append(list, "Content-Type: application/octet-stream");
  }
  S3Response resp;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options_.request_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp.body);
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
