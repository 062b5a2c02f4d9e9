// The Service end to end, minus the network: HTTP request in, AWS JSON 1.1
// response out, in both auth modes, with fake handlers.
#include "api/service.h"

#include <gtest/gtest.h>

#include <re2/re2.h>

#include "api/accounts.h"
#include "api/next_token.h"
#include "api/ops/catalog_operations.h"
#include "api/ops/partition_operations.h"
#include "catalog/catalog.h"
#include "catalog/partition_catalog.h"
#include "common/aws/sigv4.h"

namespace mortar::api {
namespace {

constexpr char kAccount[] = "111122223333";

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::open_sqlite_store(":memory:");
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
    ASSERT_TRUE(AccountRegistry::migrate(*store_).ok());
  }

  void start(AuthMode mode) {
    OperationRegistry ops;
    ops.add("GetDatabase", [this](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
      last_ctx_ = ctx;
      last_input_ = in;
      if (in["Name"] == "missing") return not_found("Database missing not found.");
      if (in["Name"] == "crash") throw std::runtime_error("handler bug");
      if (in["Name"] == "internal") return internal_error("disk on fire");
      return Json{{"Database", {{"Name", in["Name"]}, {"CreateTime", 1700000000}}}};
    });
    ops.add("GetDatabases", [](RequestContext&, const Json&) -> StatusOr<Json> {
      return Json::object();
    });
    ServiceOptions options;
    options.auth_mode = mode;
    options.default_account_id = kAccount;
    options.clock = &clock_;
    options.regions = regions_;
    auto svc = Service::create(options, *store_, std::move(ops));
    ASSERT_TRUE(svc.ok()) << svc.status();
    service_ = std::move(*svc);
  }

  static HttpRequest glue_request(const std::string& op, const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.headers["host"] = "127.0.0.1:8787";
    r.headers["content-type"] = "application/x-amz-json-1.1";
    r.headers["x-amz-target"] = "AWSGlue." + op;
    r.body = body;
    return r;
  }

  HttpResponse call(const HttpRequest& r) { return service_->handle(r, &info_); }

  static Json body(const HttpResponse& r) { return Json::parse(r.body); }

  void expect_error(const HttpResponse& r, int status, const std::string& type,
                    const std::string& message_part = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.at("x-amzn-errortype"), type);
    EXPECT_EQ(r.headers.at("content-type"), "application/x-amz-json-1.1");
    Json b = body(r);
    EXPECT_EQ(b["__type"], type) << r.body;
    EXPECT_NE(b["message"].get<std::string>().find(message_part), std::string::npos) << r.body;
    EXPECT_TRUE(RE2::FullMatch(r.headers.at("x-amzn-requestid"),
                               "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    EXPECT_EQ(info_.error_type, type);
  }

  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Service> service_;
  std::vector<std::string> regions_;  // ServiceOptions::regions
  RequestInfo info_;
  RequestContext last_ctx_;
  Json last_input_;
};

TEST_F(ServiceTest, OpenModeServesWithoutSignature) {
  start(AuthMode::kOpen);
  HttpResponse r = call(glue_request("GetDatabase", R"({"Name":"sales"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "application/x-amz-json-1.1");
  EXPECT_EQ(r.headers["x-amzn-requestid"].size(), 36u);
  EXPECT_EQ(body(r)["Database"]["Name"], "sales");
  EXPECT_EQ(body(r)["Database"]["CreateTime"], 1700000000);
  EXPECT_EQ(last_ctx_.account_id, kAccount);
  EXPECT_EQ(last_ctx_.principal, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(last_ctx_.operation, "GetDatabase");
  EXPECT_EQ(info_.operation, "GetDatabase");
  EXPECT_EQ(info_.request_id, r.headers["x-amzn-requestid"]);
  EXPECT_EQ(info_.error_type, "");
}

TEST_F(ServiceTest, OpenModeTakesRegionFromAnyAuthorizationHeader) {
  start(AuthMode::kOpen);
  HttpRequest r = glue_request("GetDatabase", R"({"Name":"sales"})");
  r.headers["authorization"] =
      "AWS4-HMAC-SHA256 Credential=test/20240101/ap-south-1/glue/aws4_request, "
      "SignedHeaders=host, Signature=" + std::string(64, '0');
  ASSERT_EQ(call(r).status, 200);
  EXPECT_EQ(last_ctx_.region, "ap-south-1");
}

TEST_F(ServiceTest, EveryResponseHasADistinctRequestId) {
  start(AuthMode::kOpen);
  std::set<std::string> ids;
  ids.insert(call(glue_request("GetDatabase", R"({"Name":"a"})")).headers["x-amzn-requestid"]);
  ids.insert(call(glue_request("GetDatabase", "{")).headers["x-amzn-requestid"]);
  ids.insert(call(glue_request("NoSuchThing", "{}")).headers["x-amzn-requestid"]);
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(ServiceTest, EmptyBodyIsEmptyObject) {
  start(AuthMode::kOpen);
  EXPECT_EQ(call(glue_request("GetDatabases", "")).status, 200);
  expect_error(call(glue_request("GetDatabase", "")), 400, "InvalidInputException",
               "Value null at 'name' failed to satisfy constraint: Member must not be null");
}

TEST_F(ServiceTest, BadBodiesAreSerializationErrors) {
  start(AuthMode::kOpen);
  expect_error(call(glue_request("GetDatabase", R"({"Name": )")), 400, "SerializationException",
               "not valid JSON");
  expect_error(call(glue_request("GetDatabase", "1E999999999999")), 400, "SerializationException",
               "not valid JSON");  // number overflow, found by the fuzzer
  expect_error(call(glue_request("GetDatabase", "[1,2]")), 400, "SerializationException",
               "must be a JSON object");
  expect_error(call(glue_request("GetDatabase", "{\"Name\":\"\xff\xfe\"}")), 400,
               "SerializationException", "UTF-8");
  expect_error(call(glue_request("GetDatabase", std::string(10000, '[') + std::string(10000, ']'))),
               400, "SerializationException", "nests deeper");
}

TEST_F(ServiceTest, ValidationErrorsNameTheMember) {
  start(AuthMode::kOpen);
  expect_error(call(glue_request("GetDatabase", R"({"Name":")" + std::string(300, 'x') + "\"}")),
               400, "InvalidInputException",
               "Value at 'name' failed to satisfy constraint: Member must have length less than "
               "or equal to 255");
}

TEST_F(ServiceTest, NullMembersReachHandlersAsAbsent) {
  start(AuthMode::kOpen);
  ASSERT_EQ(call(glue_request("GetDatabase", R"({"Name":"a","CatalogId":null})")).status, 200);
  EXPECT_FALSE(last_input_.contains("CatalogId"));
}

TEST_F(ServiceTest, HandlerStatusesMapToGlueErrors) {
  start(AuthMode::kOpen);
  expect_error(call(glue_request("GetDatabase", R"({"Name":"missing"})")), 400,
               "EntityNotFoundException", "Database missing not found.");
  expect_error(call(glue_request("GetDatabase", R"({"Name":"internal"})")), 500,
               "InternalServiceException", "disk on fire");
  expect_error(call(glue_request("GetDatabase", R"({"Name":"crash"})")), 500,
               "InternalServiceException", "handler bug");
}

TEST_F(ServiceTest, OtherAccountsCatalogIsAccessDenied) {
  start(AuthMode::kOpen);
  expect_error(call(glue_request("GetDatabase", R"({"Name":"a","CatalogId":"999988887777"})")),
               400, "AccessDeniedException", "999988887777");
  EXPECT_EQ(call(glue_request("GetDatabase", R"({"Name":"a","CatalogId":"111122223333"})")).status,
            200);
}

TEST_F(ServiceTest, UnknownAndUnimplementedOperations) {
  start(AuthMode::kOpen);
  expect_error(call(glue_request("CreateCrawler", R"({"Name":"c"})")), 400,
               "UnknownOperationException", "Mortar does not implement AWSGlue.CreateCrawler yet");
  expect_error(call(glue_request("FlyToTheMoon", "{}")), 400, "UnknownOperationException",
               "FlyToTheMoon");
  HttpRequest no_target = glue_request("GetDatabases", "{}");
  no_target.headers.erase("x-amz-target");
  expect_error(call(no_target), 400, "UnknownOperationException", "X-Amz-Target");
  HttpRequest other_service = glue_request("GetDatabases", "{}");
  other_service.headers["x-amz-target"] = "AmazonAthena.ListDataCatalogs";
  expect_error(call(other_service), 400, "UnknownOperationException");
}

TEST_F(ServiceTest, OtherPathsAndMethods) {
  start(AuthMode::kOpen);
  HttpRequest path = glue_request("GetDatabases", "{}");
  path.target = "/v1/databases";
  expect_error(call(path), 404, "UnknownOperationException", "/v1/databases");
  HttpRequest get = glue_request("GetDatabases", "");
  get.method = "GET";
  expect_error(call(get), 405, "UnknownOperationException", "GET");
}

TEST_F(ServiceTest, ContentTypes) {
  start(AuthMode::kOpen);
  HttpRequest json = glue_request("GetDatabases", "{}");
  json.headers["content-type"] = "application/json; charset=utf-8";
  EXPECT_EQ(call(json).status, 200);
  HttpRequest xml = glue_request("GetDatabases", "{}");
  xml.headers["content-type"] = "text/xml";
  expect_error(call(xml), 400, "SerializationException", "application/x-amz-json-1.1");
}

TEST_F(ServiceTest, SigV4ModeRequiresValidSignatures) {
  regions_ = {"us-east-1", "us-east-2"};
  start(AuthMode::kSigV4);
  AccountRegistry accounts(*store_, clock_);
  ASSERT_TRUE(accounts.create_account("default", kAccount).ok());
  auto key = accounts.create_access_key(kAccount, "");
  ASSERT_TRUE(key.ok());

  HttpRequest unsigned_req = glue_request("GetDatabase", R"({"Name":"sales"})");
  expect_error(call(unsigned_req), 403, "MissingAuthenticationTokenException");

  HttpRequest signed_req = unsigned_req;
  SigV4SigningParams p{key->access_key_id, key->secret_access_key, "", "us-east-2", "glue",
                       clock_.now_seconds()};
  ASSERT_TRUE(sigv4_sign_request(signed_req, p).ok());
  HttpResponse ok = call(signed_req);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(last_ctx_.principal, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(last_ctx_.region, "us-east-2");
  EXPECT_EQ(info_.principal, "arn:aws:iam::111122223333:root");

  HttpRequest wrong_secret = unsigned_req;
  p.secret_access_key = "x" + key->secret_access_key.substr(1);
  ASSERT_TRUE(sigv4_sign_request(wrong_secret, p).ok());
  expect_error(call(wrong_secret), 403, "InvalidSignatureException", "does not match");

  HttpRequest unknown = unsigned_req;
  p.access_key_id = "AKIAUNKNOWN000000000";
  ASSERT_TRUE(sigv4_sign_request(unknown, p).ok());
  expect_error(call(unknown), 403, "UnrecognizedClientException");

  HttpRequest garbled = unsigned_req;
  garbled.headers["authorization"] = "AWS4-HMAC-SHA256 garbage";
  expect_error(call(garbled), 400, "IncompleteSignatureException");

  clock_.advance(16LL * 60 * 1000000);
  expect_error(call(signed_req), 403, "InvalidSignatureException", "Signature expired");
}

TEST_F(ServiceTest, SigV4ModeRefusesOtherRegionsAndUnissuedSessionTokens) {
  start(AuthMode::kSigV4);  // no regions configured: only ServiceOptions::region (us-east-1)
  AccountRegistry accounts(*store_, clock_);
  ASSERT_TRUE(accounts.create_account("default", kAccount).ok());
  auto key = accounts.create_access_key(kAccount, "");
  ASSERT_TRUE(key.ok());
  const HttpRequest unsigned_req = glue_request("GetDatabases", "{}");
  SigV4SigningParams p{key->access_key_id, key->secret_access_key, "", "us-east-1", "glue",
                       clock_.now_seconds()};

  HttpRequest home = unsigned_req;
  ASSERT_TRUE(sigv4_sign_request(home, p).ok());
  EXPECT_EQ(call(home).status, 200);
  EXPECT_FALSE(info_.authentication_failed);

  HttpRequest nowhere = unsigned_req;
  p.region = "zz-nowhere-9";
  ASSERT_TRUE(sigv4_sign_request(nowhere, p).ok());
  expect_error(call(nowhere), 403, "InvalidSignatureException",
               "Credential should be scoped to a valid region, not 'zz-nowhere-9'.");
  EXPECT_TRUE(info_.authentication_failed);

  HttpRequest with_token = unsigned_req;
  p.region = "us-east-1";
  p.session_token = "FwoGZXIvYXdzEBogus";
  ASSERT_TRUE(sigv4_sign_request(with_token, p).ok());
  ASSERT_EQ(with_token.headers["x-amz-security-token"], "FwoGZXIvYXdzEBogus");
  expect_error(call(with_token), 403, "UnrecognizedClientException",
               "The security token included in the request is invalid.");
}

TEST_F(ServiceTest, OpenModeNeedsADefaultAccount) {
  ServiceOptions options;
  options.auth_mode = AuthMode::kOpen;
  EXPECT_FALSE(Service::create(options, *store_, {}).ok());
}

// Glue and CloudWatch Logs on one endpoint: the target prefix picks the model,
// the registry and the exception names.
TEST_F(ServiceTest, LogsTargetsAreServedByTheLogsServiceWithCloudWatchNames) {
  OperationRegistry glue_ops, logs_ops;
  glue_ops.add("GetDatabases",
               [](RequestContext&, const Json&) -> StatusOr<Json> { return Json::object(); });
  logs_ops.add("DescribeLogStreams", [](RequestContext&, const Json& in) -> StatusOr<Json> {
    if (in.value("logGroupName", "") == "/missing") return not_found("no such group");
    return Json{{"logStreams", Json::array()}};
  });
  ServiceOptions options;
  options.auth_mode = AuthMode::kOpen;
  options.default_account_id = kAccount;
  options.clock = &clock_;
  std::vector<AwsService> services;
  services.push_back(glue_service(std::move(glue_ops)));
  services.push_back(logs_service(std::move(logs_ops)));
  auto svc = Service::create_for_services(options, *store_, std::move(services));
  ASSERT_TRUE(svc.ok()) << svc.status();
  service_ = std::move(*svc);

  auto logs_request = [](const std::string& op, const std::string& body) {
    HttpRequest r = glue_request(op, body);
    r.headers["x-amz-target"] = "Logs_20140328." + op;
    return r;
  };
  EXPECT_EQ(call(logs_request("DescribeLogStreams", R"({"logGroupName":"/g"})")).status, 200);
  EXPECT_EQ(call(glue_request("GetDatabases", "{}")).status, 200);
  expect_error(call(logs_request("DescribeLogStreams", R"({"logGroupName":"/missing"})")), 400,
               "ResourceNotFoundException", "no such group");
  expect_error(call(logs_request("DescribeLogStreams", R"({"limit":0})")), 400,
               "InvalidParameterException", "limit");
  expect_error(call(logs_request("GetLogEvents", R"({"logStreamName":"s"})")), 400,
               "UnknownOperationException", "Mortar does not implement Logs_20140328.GetLogEvents");
  expect_error(call(logs_request("NoSuchOp", "{}")), 400, "UnknownOperationException",
               "CloudWatch Logs has no operation");
  // Glue keeps Glue's names.
  expect_error(call(glue_request("GetDatabases", R"({"MaxResults":0})")), 400,
               "InvalidInputException", "maxResults");
}

TEST(ServiceErrorResponse, IsAwsShaped) {
  HttpResponse r = Service::error_response(413, "RequestEntityTooLargeException", "too big", "");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.headers["x-amzn-errortype"], "RequestEntityTooLargeException");
  EXPECT_EQ(r.headers["x-amzn-requestid"].size(), 36u);
  Json b = Json::parse(r.body);
  EXPECT_EQ(b["__type"], "RequestEntityTooLargeException");
  EXPECT_EQ(b["message"], "too big");
}

}  // namespace
}  // namespace mortar::api

namespace mortar::api {
namespace {

// The catalog's operations, registered over one Catalog the way server/
// registers them, served through the Service.
TEST(ServiceCreate, ServesCatalogOperations) {
  auto store = store::open_sqlite_store(":memory:");
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(AccountRegistry::migrate(**store).ok());
  ASSERT_TRUE(catalog::Catalog::migrate(**store).ok());
  catalog::Catalog catalog(**store, Clock::real());
  catalog::PartitionCatalog partitions(catalog);
  NextTokenCodec codec("secret");
  OperationRegistry ops;
  register_catalog_operations(ops, catalog, codec);
  register_partition_operations(ops, catalog, partitions, codec);
  ServiceOptions options;
  options.auth_mode = AuthMode::kOpen;
  options.default_account_id = "123456789012";
  auto service = Service::create(options, **store, std::move(ops));
  ASSERT_TRUE(service.ok()) << service.status();
  auto call = [&](const std::string& op, const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.headers["x-amz-target"] = "AWSGlue." + op;
    r.body = body;
    return (*service)->handle(r, nullptr);
  };
  HttpResponse created = call("CreateDatabase", R"({"DatabaseInput":{"Name":"sales"}})");
  ASSERT_EQ(created.status, 200) << created.body;
  HttpResponse got = call("GetDatabase", R"({"Name":"sales"})");
  ASSERT_EQ(got.status, 200) << got.body;
  Json db = Json::parse(got.body)["Database"];
  EXPECT_EQ(db["Name"], "sales");
  EXPECT_EQ(db["CatalogId"], "123456789012");
  EXPECT_TRUE(db["CreateTime"].is_number()) << got.body;
  HttpResponse missing = call("GetDatabase", R"({"Name":"nope"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.headers["x-amzn-errortype"], "EntityNotFoundException");
  HttpResponse no_table = call("GetPartitions", R"({"DatabaseName":"sales","TableName":"t"})");
  EXPECT_EQ(no_table.headers["x-amzn-errortype"], "EntityNotFoundException");
}

}  // namespace
}  // namespace mortar::api
