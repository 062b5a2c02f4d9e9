#include "http/http_server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "testing/http_test_client.h"

namespace mortar::http {
namespace {

using namespace std::chrono_literals;
using test_support::TestClient;

// Echoes what it received so tests can check the request reached it intact.
HttpResponse echo(const HttpRequest& req) {
  HttpResponse r;
  r.headers["Content-Type"] = "text/plain";
  r.headers["x-method"] = req.method;
  r.headers["x-target"] = req.target;
  auto* agent = req.header("x-amz-target");
  if (agent) r.headers["x-saw-amz-target"] = *agent;
  r.headers["x-remote"] = req.remote_address;
  r.body = req.body;
  return r;
}

std::unique_ptr<HttpServer> start_server(ServerOptions options, Handler handler = echo) {
  options.host = "127.0.0.1";
  options.port = 0;
  if (options.threads == 0) options.threads = 2;
  auto server = HttpServer::start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return std::move(server).value();
}

TEST(HttpServerTest, BindsARealPortWhenAskedForPortZero) {
  auto server = start_server({});
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->bound_host(), "127.0.0.1");
}

TEST(HttpServerTest, BindingAPortInUseIsAnErrorNotACrash) {
  auto first = start_server({});
  ServerOptions options;
  options.port = first->port();
  auto second = HttpServer::start(options, echo);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("cannot listen"), std::string::npos);
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = start_server({});
  TestClient client(server->port());
  ASSERT_TRUE(client.connected());
  std::string remote;
  for (int i = 0; i < 5; ++i) {
    std::string body = "{\"n\":" + std::to_string(i) + "}";
    ASSERT_TRUE(client.send_request("POST", "/", body, "X-Amz-Target: AWSGlue.GetTable\r\n"));
    auto res = client.read_response();
    ASSERT_TRUE(res) << "request " << i;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, body);
    EXPECT_EQ(res->header("x-saw-amz-target"), "AWSGlue.GetTable");  // header names lower-cased
    EXPECT_EQ(res->header("x-method"), "POST");
    if (i == 0) remote = res->header("x-remote");
    EXPECT_EQ(res->header("x-remote"), remote);  // same TCP connection throughout
  }
  EXPECT_EQ(server->connection_count(), 1u);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start_server({});
  TestClient client(server->port());
  std::string two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(client.send(two));
  auto a = client.read_response();
  auto b = client.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->header("x-target"), "/a");
  EXPECT_EQ(b->header("x-target"), "/b?q=1");
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = start_server({});
  TestClient client(server->port());
  ASSERT_TRUE(client.send_request("GET", "/", "", "Connection: close\r\n"));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->header("connection"), "close");
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(HttpServerTest, OversizeBodyGets413WithAwsErrorAndHandlerIsNotCalled) {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.max_body_bytes = 1024;
  auto server = start_server(options, [&](const HttpRequest& r) {
    ++calls;
    return echo(r);
  });
  {
    TestClient client(server->port());
    ASSERT_TRUE(client.send_request("POST", "/", std::string(1024, 'a')));  // at the limit: fine
    auto ok = client.read_response();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
  }
  TestClient client(server->port());
  ASSERT_TRUE(client.send_request("POST", "/", std::string(4096, 'a')));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->header("x-amzn-errortype"), "RequestTooLargeException");
  EXPECT_FALSE(res->header("x-amzn-requestid").empty());
  EXPECT_NE(res->body.find("\"__type\":\"RequestTooLargeException\""), std::string::npos);
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, OversizeChunkedBodyGets413) {
  ServerOptions options;
  options.max_body_bytes = 100;
  auto server = start_server(options);
  TestClient client(server->port());
  std::string chunk(80, 'x');
  ASSERT_TRUE(client.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                          chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

TEST(HttpServerTest, ExpectContinueGets100ThenTheAnswer) {
  ServerOptions options;
  options.max_body_bytes = 100;
  auto server = start_server(options);
  TestClient client(server->port());
  ASSERT_TRUE(client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                          "Content-Length: 5\r\n\r\n"));
  auto cont = client.read_response();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(client.send("hello"));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello");

  // Too big: refused before the client sends the body.
  TestClient big(server->port());
  ASSERT_TRUE(big.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                       "Content-Length: 5000\r\n\r\n"));
  auto refused = big.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

TEST(HttpServerTest, CustomErrorResponderShapesServerErrors) {
  ServerOptions options;
  options.max_body_bytes = 10;
  options.error_response = [](int status, const std::string& type, const std::string& msg,
                              const std::string& request_id) {
    HttpResponse r;
    r.status = status;
    r.headers["x-custom"] = type + "/" + request_id;
    r.body = msg;
    return r;
  };
  auto server = start_server(options);
  TestClient client(server->port());
  ASSERT_TRUE(client.send_request("POST", "/", std::string(11, 'a')));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->header("x-custom").rfind("RequestTooLargeException/", 0), 0u);
}

TEST(HttpServerTest, MalformedRequestGets400AndServerKeepsServing) {
  auto server = start_server({});
  {
    TestClient client(server->port());
    ASSERT_TRUE(client.send("THIS IS NOT HTTP\r\n\r\n"));
    auto res = client.read_response();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400);
    EXPECT_TRUE(client.closed_by_peer());
  }
  TestClient client(server->port());
  ASSERT_TRUE(client.send_request("GET", "/", ""));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(HttpServerTest, HandlerExceptionBecomes500) {
  auto server = start_server({}, [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  TestClient client(server->port());
  ASSERT_TRUE(client.send_request("POST", "/", "{}"));
  auto res = client.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->header("x-amzn-errortype"), "InternalServiceException");
}

TEST(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  auto server = start_server(options);
  TestClient client(server->port(), /*timeout_ms=*/3000);
  ASSERT_TRUE(client.send_request("GET", "/", ""));
  ASSERT_TRUE(client.read_response());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpServerTest, SlowHeaderIsCutOffByHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  auto server = start_server(options);
  TestClient client(server->port(), /*timeout_ms=*/3000);
  ASSERT_TRUE(client.send("POST / HTTP/1.1\r\nHost: x\r\n"));  // never finishes the header
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpServerTest, GracefulShutdownFinishesInFlightRequest) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  ServerOptions options;
  options.shutdown_grace = 10s;
  auto server = start_server(options, [&](const HttpRequest& r) {
    entered.set_value();
    std::this_thread::sleep_for(300ms);  // still running when stop() is called
    return echo(r);
  });
  TestClient busy(server->port());
  TestClient idle(server->port());
  ASSERT_TRUE(busy.connected() && idle.connected());
  ASSERT_TRUE(busy.send_request("POST", "/", "in-flight"));
  ASSERT_EQ(entered_future.wait_for(5s), std::future_status::ready);

  auto start = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { server->stop(); });
  auto res = busy.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "in-flight");
  EXPECT_EQ(res->header("connection"), "close");
  ASSERT_EQ(stopped.wait_for(5s), std::future_status::ready);
  // The idle keep-alive connection did not hold shutdown up for the grace period.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(idle.closed_by_peer());
  TestClient late(server->port());
  EXPECT_FALSE(late.connected());
}

TEST(HttpServerTest, ManyConcurrentConnections) {
  auto server = start_server({});
  constexpr int kClients = 16;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      TestClient client(server->port());
      for (int i = 0; i < 50; ++i) {
        std::string body = std::to_string(t) + ":" + std::to_string(i);
        if (!client.send_request("POST", "/", body)) return;
        auto res = client.read_response();
        if (res && res->status == 200 && res->body == body) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients * 50);
}

TEST(HttpServerTest, RequestIdsLookLikeAwsOnesAndDiffer) {
  std::string a = new_request_id(), b = new_request_id();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[23], '-');
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace mortar::http
