#include "io/aws/json_service_client.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <vector>

namespace mortar::io::aws {
namespace {

// A transport that records requests and answers from a script.
struct FakeTransport {
  std::vector<HttpExchange> seen;
  std::vector<std::string> bodies;           // seen[i].body borrows memory gone after the call
  std::vector<StatusOr<HttpReply>> replies;  // one per call, the last repeated
  std::function<StatusOr<HttpReply>(const HttpExchange&)> fn() {
    return [this](const HttpExchange& ex) -> StatusOr<HttpReply> {
      seen.push_back(ex);
      bodies.emplace_back(ex.body);
      size_t i = std::min(seen.size() - 1, replies.size() - 1);
      return replies[i];
    };
  }
};

HttpReply reply(long status, std::string body) {
  HttpReply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

JsonServiceOptions test_options(FakeTransport& t) {
  JsonServiceOptions o;
  o.endpoint = "http://127.0.0.1:8787";
  o.region = "eu-west-1";
  o.credentials = s3::static_credentials({"AKIDEXAMPLE", "secret", "", 0});
  o.backoff_base_millis = 1;
  o.backoff_cap_millis = 2;
  o.max_attempts = 3;
  o.transport = t.fn();
  return o;
}

s3::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(JsonServiceClient, SendsASignedJson11Request) {
  FakeTransport t;
  t.replies = {reply(200, R"({"Table":{"Name":"t"}})")};
  JsonServiceClient client(test_options(t));
  auto body = client.call("GetTable", R"({"DatabaseName":"d","Name":"t"})");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, R"({"Table":{"Name":"t"}})");
  ASSERT_EQ(t.seen.size(), 1u);
  const HttpExchange& ex = t.seen[0];
  EXPECT_EQ(ex.method, "POST");
  EXPECT_EQ(ex.url, "http://127.0.0.1:8787/");
  EXPECT_EQ(ex.headers.at("x-amz-target"), "AWSGlue.GetTable");
  EXPECT_EQ(ex.headers.at("content-type"), "application/x-amz-json-1.1");
  EXPECT_EQ(ex.headers.at("host"), "127.0.0.1:8787");
  const std::string& auth = ex.headers.at("authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0), 0u) << auth;
  EXPECT_NE(auth.find("/eu-west-1/glue/aws4_request"), std::string::npos) << auth;
  EXPECT_NE(auth.find("SignedHeaders=content-type;host;x-amz-date;x-amz-target"), std::string::npos)
      << auth;
  EXPECT_EQ(t.bodies[0], R"({"DatabaseName":"d","Name":"t"})");
}

TEST(JsonServiceClient, EmptyRequestIsAnEmptyObjectAndEndpointPathIsKept) {
  FakeTransport t;
  t.replies = {reply(200, "{}")};
  JsonServiceOptions o = test_options(t);
  o.endpoint = "https://glue.example.test/prefix/";
  o.credentials = nullptr;  // unsigned
  JsonServiceClient client(o);
  ASSERT_TRUE(client.call("GetDatabases", "").ok());
  EXPECT_EQ(t.bodies[0], "{}");
  EXPECT_EQ(t.seen[0].url, "https://glue.example.test/prefix");
  EXPECT_EQ(t.seen[0].headers.count("authorization"), 0u);
}

TEST(JsonServiceClient, ErrorReplyCarriesTheAwsCode) {
  FakeTransport t;
  t.replies = {reply(400, R"({"__type":"com.amazonaws.glue#EntityNotFoundException",)"
                          R"("message":"Table nosuch not found."})")};
  JsonServiceClient client(test_options(t));
  auto body = client.call("GetTable", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(glue_error_name(body.status()).value_or(""), "EntityNotFoundException");
  EXPECT_EQ(status_message(body.status()),
            "GetTable: EntityNotFoundException: Table nosuch not found.");
  EXPECT_EQ(t.seen.size(), 1u) << "client errors are not retried";
}

TEST(JsonServiceClient, ErrorCodeFromHeaderAndOtherSpellings) {
  HttpReply r = reply(400, R"({"Message":"bad"})");
  r.headers["x-amzn-errortype"] = "InvalidInputException:http://internal.amazon.com/";
  EXPECT_EQ(aws_error_code(r.body, r.headers), "InvalidInputException");
  Status s = aws_error_status("CreateTable", r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status_message(s), "CreateTable: InvalidInputException: bad");

  HttpReply html = reply(502, "<html>Bad gateway</html>");
  Status h = aws_error_status("GetTable", html);
  EXPECT_EQ(h.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(status_message(h), "GetTable: HTTP 502: <html>Bad gateway</html>");

  HttpReply exists = reply(400, R"({"__type":"AlreadyExistsException","message":"x"})");
  EXPECT_EQ(aws_error_status("CreateTable", exists).code(), absl::StatusCode::kAlreadyExists);
}

TEST(JsonServiceClient, RetriesServerErrorsAndThrottling) {
  FakeTransport t;
  t.replies = {reply(500, R"({"__type":"InternalServiceException","message":"boom"})"),
               reply(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"),
               reply(200, R"({"ok":true})")};
  JsonServiceClient client(test_options(t));
  auto body = client.call("GetTables", "{}");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, R"({"ok":true})");
  EXPECT_EQ(t.seen.size(), 3u);
}

TEST(JsonServiceClient, GivesUpAfterMaxAttempts) {
  FakeTransport t;
  t.replies = {reply(503, R"({"__type":"ThrottlingException","message":"slow down"})")};
  JsonServiceClient client(test_options(t));
  auto body = client.call("GetTables", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(t.seen.size(), 3u);
  EXPECT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(glue_error_name(body.status()).value_or(""), "ThrottlingException");
  EXPECT_EQ(status_message(body.status()),
            "GetTables: ThrottlingException: slow down (after 3 attempts)");
}

TEST(JsonServiceClient, RetriesTransportFailures) {
  FakeTransport t;
  t.replies = {absl::UnavailableError("POST http://127.0.0.1:1/: Connection refused")};
  JsonServiceClient client(test_options(t));
  auto body = client.call("GetTables", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(t.seen.size(), 3u);
  EXPECT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status_message(body.status()).find("Connection refused"), std::string::npos);
  EXPECT_NE(status_message(body.status()).find("after 3 attempts"), std::string::npos);

  FakeTransport ok_later;
  ok_later.replies = {absl::UnavailableError("reset"), reply(200, "{}")};
  JsonServiceClient client2(test_options(ok_later));
  EXPECT_TRUE(client2.call("GetTables", "{}").ok());
}

TEST(JsonServiceClient, RealTransportReportsARefusedConnection) {
  JsonServiceOptions o;
  o.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  o.max_attempts = 1;
  JsonServiceClient client(o);
  auto body = client.call("GetDatabases", "{}");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status_message(body.status()).find("127.0.0.1:1"), std::string::npos);
}

TEST(GlueOptionsFromEnvironment, EndpointRegionAndErrors) {
  auto none = glue_options_from_environment(env_of({{"HOME", "/nonexistent"}}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(status_message(none.status()), "no Glue endpoint: set MORTAR_ENDPOINT");

  auto o = glue_options_from_environment(env_of({{"HOME", "/nonexistent"},
                                                 {"AWS_ENDPOINT_URL", "http://generic"},
                                                 {"AWS_ENDPOINT_URL_GLUE", "http://glue"},
                                                 {"MORTAR_ENDPOINT", "http://mortar:1"}}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->endpoint, "http://mortar:1");
  EXPECT_EQ(o->region, "us-east-1");
  EXPECT_TRUE(o->credentials != nullptr);

  auto g = glue_options_from_environment(env_of({{"HOME", "/nonexistent"},
                                                 {"AWS_ENDPOINT_URL", "http://generic"},
                                                 {"AWS_ENDPOINT_URL_GLUE", "http://glue"},
                                                 {"AWS_DEFAULT_REGION", "ap-south-1"}}));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->endpoint, "http://glue");
  EXPECT_EQ(g->region, "ap-south-1");

  auto r = glue_options_from_environment(env_of({{"HOME", "/nonexistent"},
                                                 {"AWS_ENDPOINT_URL", "http://generic"},
                                                 {"AWS_DEFAULT_REGION", "ap-south-1"},
                                                 {"AWS_REGION", "eu-central-1"}}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->endpoint, "http://generic");
  EXPECT_EQ(r->region, "eu-central-1");
}

}  // namespace
}  // namespace mortar::io::aws
