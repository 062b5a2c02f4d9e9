#include "io/aws/aws_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>

#include "common/ascii.h"

namespace mortar::io::aws {
namespace {

void global_init() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

struct HandleHolder {
  CURL* handle = nullptr;
  ~HandleHolder() {
    if (handle) curl_easy_cleanup(handle);
  }
};

// Reset between requests but kept per thread: the connection cache lives in it.
CURL* thread_handle() {
  thread_local HandleHolder holder;
  if (!holder.handle)
    holder.handle = curl_easy_init();
  else
    curl_easy_reset(holder.handle);
  return holder.handle;
}

struct BodySink {
  CURL* curl;
  std::string* body;
  size_t limit;  // 0 = none
  bool over_limit = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  size_t bytes = size * n;
  if (sink->limit != 0 && sink->body->size() + bytes > sink->limit) {
    sink->over_limit = true;
    return 0;  // curl stops with a write error
  }
  if (sink->body->empty()) {  // one allocation for the whole body when its length is known
    curl_off_t length = -1;
    curl_easy_getinfo(sink->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length > 0 && length < (int64_t(1) << 32) &&
        (sink->limit == 0 || static_cast<size_t>(length) <= sink->limit))
      sink->body->reserve(static_cast<size_t>(length));
  }
  sink->body->append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100 Continue)
  } else if (colon != std::string_view::npos) {
    std::string name = ascii_lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    (*headers)[name] = std::string(value);
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

StatusOr<HttpReply> http_exchange(const HttpExchange& request) {
  global_init();
  std::string label = request.label.empty() ? request.method + " " + request.url : request.label;
  CURL* curl = thread_handle();
  if (!curl) return internal_error("curl_easy_init failed");
  curl_slist* list = nullptr;
  for (const auto& [k, v] : request.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");
  HttpReply reply;
  BodySink sink{curl, &reply.body, request.max_body_bytes};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_millis);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_millis);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
  if (request.no_proxy) curl_easy_setopt(curl, CURLOPT_PROXY, "");
  if (request.cancel != nullptr) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, request.cancel);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST" || request.method == "PUT") {
    // Never a null pointer: curl would then read the body from stdin.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.empty() ? "" : request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (rc == CURLE_ABORTED_BY_CALLBACK && request.cancel != nullptr && request.cancel->load()) {
    return absl::CancelledError(to_absl(label + ": cancelled"));
  }
  if (rc != CURLE_OK) {
    std::string reason =
        sink.over_limit ? "response body over " + std::to_string(request.max_body_bytes) + " bytes"
                        : curl_easy_strerror(rc);
    return absl::UnavailableError(to_absl(label + ": " + reason));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

void sleep_before_retry(int attempt, int64_t base_millis, int64_t cap_millis) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  int64_t ceiling = std::min<int64_t>(cap_millis, base_millis << std::clamp(attempt, 0, 16));
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(0, ceiling));
  std::this_thread::sleep_for(std::chrono::milliseconds(dist(rng)));
}

}  // namespace mortar::io::aws
