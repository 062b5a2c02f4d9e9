// Boost 1.74's Beast needs <utility> before its headers with g++ 12.
#include <utility>

// Asio 1.74 only recognises clang's coroutines-TS spelling; clang 14 in C++20
// mode has the standard ones (used by the fuzz preset).
#if defined(__clang__) && defined(__cpp_impl_coroutine) && !defined(BOOST_ASIO_HAS_CO_AWAIT)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#endif

#include "http/http_server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/glue_errors.h"

namespace mortar::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using net::awaitable;

// After an early error answer (413 and the like) the client may still be
// sending its body; closing with unread input makes the kernel send RST, and
// the client would lose the answer. So read and drop a bounded amount first.
constexpr size_t kLingerBytes = 64 * 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{2};

char hex_digit(unsigned v) { return "0123456789abcdef"[v & 15]; }

void to_lower(std::string& s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

HttpResponse default_error_response(int status, const std::string& type, const std::string& message,
                                    const std::string& request_id) {
  // Exception names and our own messages contain no characters needing JSON escapes.
  HttpResponse r;
  r.status = status;
  r.headers["Content-Type"] = "application/x-amz-json-1.1";
  r.headers["x-amzn-RequestId"] = request_id;
  r.headers["x-amzn-ErrorType"] = type;
  r.body = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
  return r;
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  std::string id;
  id.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) id.push_back('-');
    uint64_t word = i < 16 ? a : b;
    id.push_back(hex_digit(static_cast<unsigned>(word >> ((i % 16) * 4))));
  }
  return id;
}

class Connection;

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, Handler handler)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        ioc_(options_.threads),
        acceptor_(net::make_strand(ioc_)) {
    if (!options_.error_response) options_.error_response = default_error_response;
  }

  Status listen();
  void run_threads();
  void stop();
  void wait();

  awaitable<void> accept_loop();
  void remove(Connection* conn);

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const ServerOptions& options() const { return options_; }
  HttpResponse handle(const HttpRequest& request) const;

  uint16_t port_ = 0;
  std::string bound_host_;
  mutable std::mutex mu_;

  size_t connection_count() const {
    std::lock_guard lock(mu_);
    return conns_.size();
  }

 private:
  template <typename Fn>
  void for_each_connection(Fn fn);

  ServerOptions options_;
  Handler handler_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};

  // Guarded by mu_.
  std::unordered_map<Connection*, std::weak_ptr<Connection>> conns_;
  std::condition_variable conns_cv_;

  std::mutex stop_mu_;  // serializes stop()
  bool stopped_ = false;  // guarded by stop_mu_
  std::condition_variable stopped_cv_;

  friend class Connection;
};

// One TCP connection: reads requests one after another (keep-alive), hands
// each to the handler and writes its answer. Runs as a coroutine on its own
// strand, so close_if_idle() posted from stop() never races with it.
class Connection {
 public:
  Connection(HttpServer::Impl& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  static awaitable<void> run(std::shared_ptr<Connection> self) {
    co_await self->serve();
    self->close();
    self->server_.remove(self.get());
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

  // Runs on the strand: a connection waiting for its next request is closed
  // at once; one inside a request finishes it first.
  void close_if_idle() {
    if (idle_) stream_.cancel();
  }
  void force_close() { stream_.cancel(); stream_.socket().close(); }

 private:
  awaitable<void> serve();
  awaitable<void> write_error(int status, const std::string& type, const std::string& message,
                              unsigned version);
  awaitable<void> linger();
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }
  void fill_request(bhttp::request<bhttp::string_body>& msg);

  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  HttpRequest request_;  // reused across requests to keep its capacity
  bool idle_ = false;
};

void Connection::fill_request(bhttp::request<bhttp::string_body>& msg) {
  HttpRequest& req = request_;
  req.method.assign(msg.method_string().data(), msg.method_string().size());
  req.target.assign(msg.target().data(), msg.target().size());
  req.headers.clear();
  for (const auto& field : msg) {
    std::string name(field.name_string());
    to_lower(name);
    auto [it, inserted] = req.headers.try_emplace(std::move(name), field.value());
    if (!inserted) {  // repeated header: combine as RFC 9110 allows
      it->second.append(", ");
      it->second.append(field.value().data(), field.value().size());
    }
  }
  req.body = std::move(msg.body());
  req.remote_address = remote_;
}

awaitable<void> Connection::serve() {
  const ServerOptions& opt = server_.options();
  beast::error_code ec;
  auto token = net::redirect_error(net::use_awaitable, ec);
  for (;;) {
    if (server_.stopping()) co_return;
    if (buffer_.size() == 0) {
      // Wait for the next request under the idle timeout; stop() may cancel this.
      idle_ = true;
      stream_.expires_after(opt.idle_timeout);
      size_t n = co_await stream_.async_read_some(buffer_.prepare(16 * 1024), token);
      idle_ = false;
      if (ec) co_return;
      buffer_.commit(n);
    }

    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser.body_limit(opt.max_body_bytes);
    stream_.expires_after(opt.header_timeout);
    co_await bhttp::async_read_header(stream_, buffer_, parser, token);
    if (ec == bhttp::error::body_limit) {
      co_await write_error(413, "RequestTooLargeException",
                           "request body exceeds the limit of " +
                               std::to_string(opt.max_body_bytes) + " bytes",
                           parser.get().version());
      co_await linger();
      co_return;
    }
    if (ec == bhttp::error::header_limit) {
      co_await write_error(431, "RequestHeaderFieldsTooLargeException",
                           "request header exceeds " + std::to_string(opt.max_header_bytes) +
                               " bytes",
                           11);
      co_return;
    }
    if (is_http_parse_error(ec)) {
      co_await write_error(400, "SerializationException", "malformed HTTP request: " + ec.message(),
                           11);
      co_return;
    }
    if (ec) co_return;  // timeout, reset, EOF mid-header

    auto& header = parser.get();
    auto expect = header[bhttp::field::expect];
    if (!expect.empty() && beast::iequals(expect, "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, header.version()};
      stream_.expires_after(opt.io_timeout);
      co_await bhttp::async_write(stream_, cont, token);
      if (ec) co_return;
    }

    stream_.expires_after(opt.io_timeout);
    co_await bhttp::async_read(stream_, buffer_, parser, token);
    if (ec == bhttp::error::body_limit) {
      co_await write_error(413, "RequestTooLargeException",
                           "request body exceeds the limit of " +
                               std::to_string(opt.max_body_bytes) + " bytes",
                           header.version());
      co_await linger();
      co_return;
    }
    if (is_http_parse_error(ec)) {
      co_await write_error(400, "SerializationException", "malformed HTTP request: " + ec.message(),
                           header.version());
      co_return;
    }
    if (ec) co_return;

    bhttp::request<bhttp::string_body> msg = parser.release();
    const unsigned version = msg.version();
    bool keep_alive = msg.keep_alive();
    const bool is_head = msg.method() == bhttp::verb::head;
    fill_request(msg);

    HttpResponse answer = server_.handle(request_);
    keep_alive = keep_alive && !server_.stopping();

    bhttp::response<bhttp::string_body> res;
    res.version(version);
    res.result(static_cast<unsigned>(answer.status));
    for (auto& [name, value] : answer.headers) res.set(name, value);
    res.body() = std::move(answer.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (is_head) res.body().clear();
    stream_.expires_after(opt.io_timeout);
    if (is_head) {
      bhttp::response_serializer<bhttp::string_body> sr{res};
      co_await bhttp::async_write_header(stream_, sr, token);
    } else {
      co_await bhttp::async_write(stream_, res, token);
    }
    if (ec || !keep_alive) co_return;
  }
}

awaitable<void> Connection::write_error(int status, const std::string& type,
                                        const std::string& message, unsigned version) {
  beast::error_code ec;
  HttpResponse answer = server_.options().error_response(status, type, message, new_request_id());
  bhttp::response<bhttp::string_body> res;
  res.version(version == 10 ? 10 : 11);
  res.result(static_cast<unsigned>(answer.status));
  for (auto& [name, value] : answer.headers) res.set(name, value);
  res.body() = std::move(answer.body);
  res.keep_alive(false);
  res.prepare_payload();
  stream_.expires_after(server_.options().io_timeout);
  co_await bhttp::async_write(stream_, res, net::redirect_error(net::use_awaitable, ec));
}

awaitable<void> Connection::linger() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTime);
  size_t drained = 0;
  while (!ec && drained < kLingerBytes) {
    buffer_.clear();
    drained += co_await stream_.async_read_some(buffer_.prepare(64 * 1024),
                                                net::redirect_error(net::use_awaitable, ec));
  }
}

HttpResponse HttpServer::Impl::handle(const HttpRequest& request) const {
  Status fault;
  try {
    return handler_(request);
  } catch (const std::exception& e) {
    fault = internal_error(std::string("internal error: ") + e.what());
  } catch (...) {
    fault = internal_error("internal error");
  }
  const GlueError e = to_glue_error(fault);
  return options_.error_response(e.http_status, e.type, e.message, new_request_id());
}

Status HttpServer::Impl::listen() {
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(options_.host, std::to_string(options_.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return invalid_input("cannot resolve listen host '" + options_.host + "': " + ec.message());
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError("cannot listen on " + options_.host + ":" +
                                  std::to_string(options_.port) + ": " + ec.message());
  }
  tcp::endpoint local = acceptor_.local_endpoint(ec);
  port_ = local.port();
  bound_host_ = local.address().to_string();
  return ok_status();
}

void HttpServer::Impl::run_threads() {
  net::co_spawn(acceptor_.get_executor(), [this] { return accept_loop(); }, net::detached);
  const int n = options_.threads;
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

awaitable<void> HttpServer::Impl::accept_loop() {
  beast::error_code ec;
  net::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    tcp::socket socket(net::make_strand(ioc_));
    co_await acceptor_.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
    if (stopping() || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: back off instead of spinning.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock(mu_);
      if (conns_.size() >= options_.max_connections) continue;  // socket closes here
      conn = std::make_shared<Connection>(*this, std::move(socket));
      conns_.emplace(conn.get(), conn);
    }
    net::co_spawn(conn->executor(), Connection::run(conn), net::detached);
  }
}

void HttpServer::Impl::remove(Connection* conn) {
  std::lock_guard lock(mu_);
  conns_.erase(conn);
  if (conns_.empty()) conns_cv_.notify_all();
}

template <typename Fn>
void HttpServer::Impl::for_each_connection(Fn fn) {
  std::lock_guard lock(mu_);
  for (auto& [ptr, weak] : conns_) {
    if (auto conn = weak.lock()) net::post(conn->executor(), [conn, fn] { fn(*conn); });
  }
}

void HttpServer::Impl::stop() {
  std::unique_lock stop_lock(stop_mu_);
  if (stopped_) return;
  stopping_.store(true, std::memory_order_release);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
  for_each_connection([](Connection& c) { c.close_if_idle(); });
  {
    std::unique_lock lock(mu_);
    if (!conns_cv_.wait_for(lock, options_.shutdown_grace, [this] { return conns_.empty(); })) {
      lock.unlock();
      for_each_connection([](Connection& c) { c.force_close(); });
      lock.lock();
      conns_cv_.wait_for(lock, std::chrono::seconds(2), [this] { return conns_.empty(); });
    }
  }
  // Normally every thread has run out of work by now; this covers the rest.
  ioc_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  stopped_ = true;
  stopped_cv_.notify_all();
}

void HttpServer::Impl::wait() {
  std::unique_lock lock(stop_mu_);
  stopped_cv_.wait(lock, [this] { return stopped_; });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

StatusOr<std::unique_ptr<HttpServer>> HttpServer::start(ServerOptions options, Handler handler) {
  if (!handler) return invalid_input("HttpServer needs a handler");
  if (options.max_body_bytes == 0) return invalid_input("max_body_bytes must be positive");
  if (options.threads <= 0) {
    options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  MORTAR_RETURN_IF_ERROR(impl->listen());
  impl->run_threads();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port_; }
std::string HttpServer::bound_host() const { return impl_->bound_host_; }
void HttpServer::stop() { impl_->stop(); }
void HttpServer::wait() { impl_->wait(); }
size_t HttpServer::connection_count() const { return impl_->connection_count(); }

}  // namespace mortar::http
