// The HTTP handler `mortar serve` installs: GET /healthz (liveness: 200 while
// the process serves HTTP), GET /readyz (readiness: 200, or 503 with the
// reason, from the ReadinessCheck) and GET /metrics are answered here; every
// other request goes to the Glue API service. Each API request is timed, counted in Metrics and written to the access log, except
// authentication failures: those are logged at warn, with the reason, at most
// 10 a minute (a client can cause them at will); the rest are counted and the
// count is reported with the next one logged, or by log_suppressed().
// Thread-safe (called from every HTTP worker thread; holds no lock while the
// API handles a request).
#pragma once

#include <functional>
#include <string>

#include "api/service.h"
#include "common/clock.h"
#include "common/http_message.h"
#include "server/log_rate_limiter.h"
#include "server/metrics.h"

namespace mortar::server {

class Router {
 public:
  using ApiHandler = std::function<HttpResponse(const HttpRequest&, api::RequestInfo*)>;
  // Same signature as api::Service::error_response.
  using ErrorFormatter = std::function<HttpResponse(int, const std::string&, const std::string&,
                                                    const std::string&)>;
  // OK when the server is ready to serve; unset: always ready.
  using ReadinessCheck = std::function<Status()>;

  Router(ApiHandler api, ErrorFormatter error_formatter, Metrics& metrics,
         ReadinessCheck readiness = {}, const Clock& clock = Clock::real())
      : api_(std::move(api)),
        error_formatter_(std::move(error_formatter)),
        metrics_(metrics),
        readiness_(std::move(readiness)),
        auth_failure_log_(kAuthFailureLinesPerWindow, kAuthFailureWindowSeconds, clock) {}

  HttpResponse handle(const HttpRequest& request) const;

  // For http::ServerOptions::error_response: errors the HTTP layer answers
  // itself (413, 400 ...) are shaped like the API's and counted and logged too.
  HttpResponse server_error(int status, const std::string& exception_name,
                            const std::string& message, const std::string& request_id) const;

  // Logs how many authentication failures were not logged and not yet
  // reported (at shutdown); nothing when none.
  void log_suppressed() const;

  static constexpr int kAuthFailureLinesPerWindow = 10;
  static constexpr int64_t kAuthFailureWindowSeconds = 60;

 private:
  ApiHandler api_;
  ErrorFormatter error_formatter_;
  Metrics& metrics_;
  ReadinessCheck readiness_;
  mutable LogRateLimiter auth_failure_log_;
};

}  // namespace mortar::server
