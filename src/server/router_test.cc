#include "server/router.h"

#include <gtest/gtest.h>

#include "http/http_server.h"
#include "testing/http_test_client.h"
#include "server/logging.h"

namespace mortar::server {
namespace {

HttpResponse fake_error(int status, const std::string& type, const std::string& msg,
                        const std::string& id) {
  HttpResponse r;
  r.status = status;
  r.headers["x-amzn-ErrorType"] = type;
  r.headers["x-amzn-RequestId"] = id;
  r.body = msg;
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override { init_logging("text", "off"); }

  // A stand-in for api::Service: reports an operation and principal.
  Router::ApiHandler api_ = [this](const HttpRequest& r, api::RequestInfo* info) {
    ++api_calls_;
    info->request_id = "req-1";
    info->operation = "GetTable";
    info->principal = "arn:aws:iam::123456789012:user/admin";
    HttpResponse res;
    res.status = r.body == "bad" ? 400 : 200;
    if (res.status == 400) info->error_type = "InvalidInputException";
    res.body = "{}";
    return res;
  };
  int api_calls_ = 0;
  Metrics metrics_;
  Router router_{api_, fake_error, metrics_};
};

HttpRequest request(std::string method, std::string target, std::string body = "") {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

TEST_F(RouterTest, HealthzAnswersOkWithoutTheApi) {
  HttpResponse r = router_.handle(request("GET", "/healthz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(api_calls_, 0);
}

TEST_F(RouterTest, ReadyzFollowsTheReadinessCheckAndHealthzDoesNot) {
  Status ready = ok_status();
  Router router(api_, fake_error, metrics_, [&ready] { return ready; });
  HttpResponse r = router.handle(request("GET", "/readyz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ready\n");
  ready = absl::UnavailableError("the store does not answer: disk gone");
  r = router.handle(request("GET", "/readyz"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "not ready: the store does not answer: disk gone\n");
  EXPECT_EQ(router.handle(request("GET", "/healthz")).status, 200);  // still alive
  EXPECT_EQ(api_calls_, 0);
}

TEST_F(RouterTest, ApiRequestsAreCountedAndShownInMetrics) {
  EXPECT_EQ(router_.handle(request("POST", "/", "{}")).status, 200);
  EXPECT_EQ(router_.handle(request("POST", "/", "bad")).status, 400);
  EXPECT_EQ(api_calls_, 2);
  HttpResponse m = router_.handle(request("GET", "/metrics"));
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.headers["Content-Type"].find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("mortar_requests_total{operation=\"GetTable\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(m.body.find("mortar_requests_total{operation=\"GetTable\",status=\"400\"} 1"),
            std::string::npos);
}

TEST_F(RouterTest, OnlyGetReachesHealthAndMetrics) {
  router_.handle(request("POST", "/healthz"));
  EXPECT_EQ(api_calls_, 1);  // a POST is an API call (the API answers it)
}

TEST_F(RouterTest, ServerErrorsAreShapedAndCounted) {
  HttpResponse r = router_.server_error(413, "RequestTooLargeException", "too big", "id-9");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.headers["x-amzn-ErrorType"], "RequestTooLargeException");
  EXPECT_EQ(metrics_.request_count("", 413), 1u);
}

TEST_F(RouterTest, ServesHealthzAndApiOverOneKeepAliveConnection) {
  http::ServerOptions options;
  options.threads = 2;
  options.max_body_bytes = 2048;
  options.error_response = [this](int s, const std::string& t, const std::string& m,
                                  const std::string& id) { return router_.server_error(s, t, m, id); };
  auto server = http::HttpServer::start(options, [this](const HttpRequest& r) {
    return router_.handle(r);
  });
  ASSERT_TRUE(server.ok()) << server.status();
  test_support::TestClient client((*server)->port());
  ASSERT_TRUE(client.send_request("GET", "/healthz", ""));
  auto health = client.read_response();
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  ASSERT_TRUE(client.send_request("POST", "/", "{}", "X-Amz-Target: AWSGlue.GetTable\r\n"));
  auto api = client.read_response();
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  ASSERT_TRUE(client.send_request("POST", "/", std::string(4096, 'x')));
  auto big = client.read_response();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(big->header("x-amzn-errortype"), "RequestTooLargeException");
  EXPECT_EQ(metrics_.request_count("", 413), 1u);
}

}  // namespace
}  // namespace mortar::server
