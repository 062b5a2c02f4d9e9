// Mortar's HTTP/1.1 server: Boost.Beast + Asio with C++20 coroutines on a few
// worker threads. This header is deliberately Beast-free (Beast compiles
// slowly and stays inside src/http/*.cc); callers see plain HttpRequest /
// HttpResponse values.
//
// Every well-formed request goes to the Handler, called synchronously on a
// worker thread; requests on one connection are handled one at a time, in
// order (keep-alive). The server itself answers only what it must before a
// request reaches the handler: an oversize body (413), headers too large
// (431) and malformed HTTP (400), all through `error_response`.
//
// Thread-safety: start() returns a running server; port(), stop() and the
// destructor may be called from any thread. The handler is called from
// several threads at once and must be thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/http_message.h"
#include "common/status.h"

namespace mortar::http {

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Builds the response for an error the server detects itself, e.g.
// api::Service::error_response. The request id is freshly generated.
using ErrorResponder = std::function<HttpResponse(int http_status, const std::string& exception_name,
                                                  const std::string& message,
                                                  const std::string& request_id)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks one; see HttpServer::port()
  int threads = 0;    // worker threads; 0: one per core
  size_t max_body_bytes = 10 * 1024 * 1024;
  size_t max_header_bytes = 64 * 1024;
  size_t max_connections = 10000;  // further connections are closed at once
  // From the first byte of a request to the end of its header.
  std::chrono::milliseconds header_timeout{10'000};
  // Reading the body, and writing the response.
  std::chrono::milliseconds io_timeout{60'000};
  // A keep-alive connection waiting for its next request.
  std::chrono::milliseconds idle_timeout{75'000};
  // stop() waits this long for in-flight requests before closing them hard.
  std::chrono::milliseconds shutdown_grace{30'000};
  // Empty: a plain AWS-shaped JSON error ({"__type", "message"}).
  ErrorResponder error_response;
};

class HttpServer {
 public:
  // Binds, listens and starts the worker threads. Fails (without throwing)
  // when the address cannot be resolved or bound.
  static StatusOr<std::unique_ptr<HttpServer>> start(ServerOptions options, Handler handler);

  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the real one when options.port was 0) and address.
  uint16_t port() const;
  std::string bound_host() const;

  // Graceful shutdown: stops accepting, closes idle keep-alive connections,
  // lets in-flight requests finish and answers them with Connection: close,
  // then joins the worker threads. Requests still running after
  // shutdown_grace are cut off. Idempotent; blocks until done.
  void stop();

  // Blocks until the server has stopped (after stop() from another thread).
  void wait();

  // Open connections right now (for tests and metrics).
  size_t connection_count() const;

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A random request id in the 8-4-4-4-12 hex form AWS uses. Thread-safe.
std::string new_request_id();

}  // namespace mortar::http
