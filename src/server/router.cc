#include "server/router.h"

#include <chrono>
#include <string_view>

#include "server/logging.h"

namespace mortar::server {
namespace {

std::string_view path_of(const std::string& target) {
  std::string_view t(target);
  return t.substr(0, t.find('?'));
}

HttpResponse text_response(int status, std::string body, const char* content_type) {
  HttpResponse r;
  r.status = status;
  r.headers["Content-Type"] = content_type;
  r.body = std::move(body);
  return r;
}

}  // namespace

HttpResponse Router::handle(const HttpRequest& request) const {
  const std::string_view path = path_of(request.target);
  if (request.method == "GET" || request.method == "HEAD") {
    if (path == "/healthz") return text_response(200, "ok\n", "text/plain; charset=utf-8");
    if (path == "/readyz") {
      Status ready = readiness_ ? readiness_() : ok_status();
      if (ready.ok()) return text_response(200, "ready\n", "text/plain; charset=utf-8");
      return text_response(503, "not ready: " + std::string(ready.message()) + "\n",
                           "text/plain; charset=utf-8");
    }
    if (path == "/metrics") {
      return text_response(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
    }
  }

  const auto start = std::chrono::steady_clock::now();
  api::RequestInfo info;
  HttpResponse response = api_(request, &info);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  metrics_.record_request(info.operation, response.status, seconds);
  if (info.authentication_failed) {
    int64_t suppressed = 0;
    if (auth_failure_log_.allow(&suppressed)) {
      const std::string status = std::to_string(response.status);
      const std::string held_back = std::to_string(suppressed);
      log_event(LogLevel::kWarn, "authentication failed",
                {{"request_id", info.request_id},
                 {"remote", request.remote_address},
                 {"path", path},
                 {"status", status, true},
                 {"error", info.error_type},
                 {"reason", std::string_view(info.error_message).substr(0, 300)},
                 {"suppressed", held_back, true}});
    }
    return response;
  }
  log_request({.request_id = info.request_id,
               .method = request.method,
               .path = path,
               .remote = request.remote_address,
               .operation = info.operation,
               .principal = info.principal,
               .error_type = info.error_type,
               .status = response.status,
               .latency_ms = seconds * 1000});
  return response;
}

HttpResponse Router::server_error(int status, const std::string& exception_name,
                                  const std::string& message, const std::string& request_id) const {
  metrics_.record_request("", status, 0);
  AccessLogEntry entry;
  entry.request_id = request_id;
  entry.error_type = exception_name;
  entry.status = status;
  log_request(entry);
  return error_formatter_(status, exception_name, message, request_id);
}

void Router::log_suppressed() const {
  if (int64_t n = auth_failure_log_.take_suppressed(); n > 0) {
    const std::string count = std::to_string(n);
    const std::string limit = std::to_string(kAuthFailureLinesPerWindow);
    const std::string window = std::to_string(kAuthFailureWindowSeconds);
    log_event(LogLevel::kWarn, "authentication failures not logged (rate limit)",
              {{"suppressed", count, true},
               {"limit_per_window", limit, true},
               {"window_seconds", window, true}});
  }
}

}  // namespace mortar::server
