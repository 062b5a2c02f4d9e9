// SigV4: AWS's published test-suite vectors (credentials AKIDEXAMPLE, service
// "service", 2015-08-30T12:36:00Z) and the verifier's failure modes.
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/aws/sigv4.h"
#include "api/sigv4_verifier.h"

namespace mortar::api {
namespace {

constexpr char kAccessKey[] = "AKIDEXAMPLE";
constexpr char kExampleSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr int64_t kSuiteTime = 1440938160;  // 20150830T123600Z

// The suite's key; the suite's session token is accepted as is.
StatusOr<std::string> suite_lookup(const std::string& id, const std::string& /*session_token*/) {
  if (id == kAccessKey) return std::string(kExampleSecret);
  return not_found("no such key");
}

HttpRequest suite_request(const std::string& method, const std::string& target,
                          const std::string& signature,
                          const std::string& signed_headers = "host;x-amz-date") {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.headers["host"] = "example.amazonaws.com";
  r.headers["x-amz-date"] = "20150830T123600Z";
  r.headers["authorization"] =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=" + signed_headers + ", Signature=" + signature;
  return r;
}

std::string error_name(const Status& s) { return glue_error_name(s).value_or("(none)"); }

class SuiteVectors : public ::testing::Test {
 protected:
  FakeClock clock_{kSuiteTime * 1000000};
  SigV4Verifier verifier_{"service", clock_};
};

TEST(SigV4Pieces, DateFormatRoundTrips) {
  EXPECT_EQ(format_amz_date(kSuiteTime), "20150830T123600Z");
  EXPECT_EQ(parse_amz_date("20150830T123600Z"), kSuiteTime);
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(parse_amz_date("20151330T123600Z"));
}

TEST(SigV4Pieces, CanonicalUriNormalizesAndEncodesTwice) {
  EXPECT_EQ(sigv4_canonical_uri("", true), "/");
  EXPECT_EQ(sigv4_canonical_uri("/./example", true), "/example");
  EXPECT_EQ(sigv4_canonical_uri("/a/../b/", true), "/b/");
  EXPECT_EQ(sigv4_canonical_uri("/%E1%88%B4", true), "/%25E1%2588%25B4");
  // S3 signs the wire path as is.
  EXPECT_EQ(sigv4_canonical_uri("/bucket/a%20b", false), "/bucket/a%20b");
}

TEST(SigV4Pieces, CanonicalQuerySortsAndEncodes) {
  EXPECT_EQ(sigv4_canonical_query("Param2=value2&Param1=value1"), "Param1=value1&Param2=value2");
  EXPECT_EQ(sigv4_canonical_query("Param1=value2&Param1=value1"), "Param1=value1&Param1=value2");
  EXPECT_EQ(sigv4_canonical_query("b=&a"), "a=&b=");
  EXPECT_EQ(sigv4_canonical_query("k=a%20b~c/d"), "k=a%20b~c%2Fd");
}

TEST(SigV4Pieces, HeaderValuesAreTrimmedAndCollapsed) {
  EXPECT_EQ(sigv4_canonical_header_value("  value1  "), "value1");
  EXPECT_EQ(sigv4_canonical_header_value("\"a   b   c\""), "\"a b c\"");
}

TEST(SigV4Pieces, GetVanillaCanonicalRequestAndStringToSign) {
  std::map<std::string, std::string> headers = {{"host", "example.amazonaws.com"},
                                                {"x-amz-date", "20150830T123600Z"}};
  std::string creq = sigv4_canonical_request("GET", "/", "", headers, {"host", "x-amz-date"},
                                             sha256_hex(""));
  EXPECT_EQ(creq,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::string sts = sigv4_string_to_sign(
      "20150830T123600Z", sigv4_scope("20150830", "us-east-1", "service"), creq);
  EXPECT_EQ(sts.substr(0, sts.rfind('\n')),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request");
  std::string key = sigv4_signing_key(kExampleSecret, "20150830", "us-east-1", "service");
  EXPECT_EQ(sigv4_signature(key, sts),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Pieces, SignRequestReproducesGetVanilla) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/";
  r.headers["host"] = "example.amazonaws.com";
  r.headers["user-agent"] = "not signed";
  SigV4SigningParams p{kAccessKey, kExampleSecret, "", "us-east-1", "service", kSuiteTime};
  ASSERT_TRUE(sigv4_sign_request(r, p).ok());
  EXPECT_EQ(r.headers["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_F(SuiteVectors, VerifiesPublishedSignatures) {
  struct Case {
    const char* name;
    const char* method;
    const char* target;
    const char* signature;
  } cases[] = {
      {"get-vanilla", "GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-empty-query-key", "GET", "/?Param1=value1",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-vanilla-query-order-value", "GET", "/?Param1=value2&Param1=value1",
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      {"post-vanilla-query", "POST", "/?Param1=value1",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"get-slash-pointless-dot", "GET", "/./example",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
  };
  for (const auto& c : cases) {
    auto result = verifier_.verify(suite_request(c.method, c.target, c.signature), suite_lookup);
    EXPECT_TRUE(result.ok()) << c.name << ": " << result.status();
    if (result.ok()) {
      EXPECT_EQ(result->access_key_id, kAccessKey);
      EXPECT_EQ(result->region, "us-east-1");
    }
  }
}

TEST_F(SuiteVectors, VerifiesSessionTokenSignedHeader) {
  HttpRequest r = suite_request("POST", "/",
                                "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
                                "host;x-amz-date;x-amz-security-token");
  r.headers["x-amz-security-token"] =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPf"
      "IeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7"
      "WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm"
      "8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  auto result = verifier_.verify(r, suite_lookup);
  EXPECT_TRUE(result.ok()) << result.status();
}

TEST_F(SuiteVectors, RejectsAlteredRequest) {
  HttpRequest r = suite_request("GET", "/?Param1=value2",
                                "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
  auto result = verifier_.verify(r, suite_lookup);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(error_name(result.status()), "InvalidSignatureException");
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(SuiteVectors, MissingAuthorizationIsMissingAuthenticationToken) {
  HttpRequest r = suite_request("GET", "/", "00");
  r.headers.erase("authorization");
  auto result = verifier_.verify(r, suite_lookup);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(error_name(result.status()), "MissingAuthenticationTokenException");
}

TEST_F(SuiteVectors, MalformedAuthorizationIsIncompleteSignature) {
  for (std::string bad : std::vector<std::string>{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
                          "Basic dXNlcjpwYXNz",
                          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1, "
                          "SignedHeaders=host;x-amz-date, Signature=" + std::string(64, 'a'),
                          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                          "aws4_request, SignedHeaders=host;x-amz-date, Signature=xyz"}) {
    HttpRequest r = suite_request("GET", "/", "00");
    r.headers["authorization"] = bad;
    auto result = verifier_.verify(r, suite_lookup);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(error_name(result.status()), "IncompleteSignatureException") << bad;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST_F(SuiteVectors, MissingAmzDateIsIncompleteSignature) {
  HttpRequest r = suite_request("GET", "/", std::string(64, 'a'));
  r.headers.erase("x-amz-date");
  auto result = verifier_.verify(r, suite_lookup);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(error_name(result.status()), "IncompleteSignatureException");
  EXPECT_NE(result.status().ToString().find("X-Amz-Date"), std::string::npos);
}

TEST_F(SuiteVectors, UnknownKeyIsUnrecognizedClient) {
  auto result = verifier_.verify(
      suite_request("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
      [](const std::string&, const std::string&) -> StatusOr<std::string> {
        return not_found("revoked");
      });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(error_name(result.status()), "UnrecognizedClientException");
}

TEST_F(SuiteVectors, SessionTokenIsHandedToTheLookup) {
  HttpRequest r =
      suite_request("POST", "/", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
                    "host;x-amz-date;x-amz-security-token");
  r.headers["x-amz-security-token"] = "a-token-nobody-issued";
  std::string seen;
  auto result = verifier_.verify(
      r, [&](const std::string&, const std::string& token) -> StatusOr<std::string> {
        seen = token;
        return not_found("unknown session token");
      });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(seen, "a-token-nobody-issued");
  EXPECT_EQ(error_name(result.status()), "UnrecognizedClientException");
  EXPECT_EQ(status_message(result.status()),
            "The security token included in the request is invalid.");
}

TEST_F(SuiteVectors, RegionOutsideTheConfiguredOnesIsRejected) {
  HttpRequest r =
      suite_request("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  SigV4Verifier here("service", clock_, 15 * 60, {"eu-west-1", "us-east-1"});
  EXPECT_TRUE(here.verify(r, suite_lookup).ok());  // the suite signs for us-east-1
  SigV4Verifier elsewhere("service", clock_, 15 * 60, {"eu-west-1", "ap-south-1"});
  auto result = elsewhere.verify(r, suite_lookup);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(error_name(result.status()), "InvalidSignatureException");
  EXPECT_EQ(status_message(result.status()),
            "Credential should be scoped to a valid region, not 'us-east-1'. This endpoint serves "
            "eu-west-1, ap-south-1.");
}

TEST_F(SuiteVectors, WrongServiceInScopeIsRejected) {
  SigV4Verifier glue("glue", clock_);
  auto result = glue.verify(
      suite_request("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
      suite_lookup);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(error_name(result.status()), "InvalidSignatureException");
  EXPECT_NE(result.status().ToString().find("'glue'"), std::string::npos);
}

TEST_F(SuiteVectors, ClockSkewBeyondFifteenMinutesIsSignatureExpired) {
  HttpRequest r =
      suite_request("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  clock_.set_micros((kSuiteTime + 15 * 60) * 1000000);  // exactly at the limit: still fine
  EXPECT_TRUE(verifier_.verify(r, suite_lookup).ok());
  clock_.set_micros((kSuiteTime + 15 * 60 + 1) * 1000000);
  auto late = verifier_.verify(r, suite_lookup);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(error_name(late.status()), "InvalidSignatureException");
  EXPECT_NE(late.status().ToString().find("Signature expired: 20150830T123600Z is now earlier than "
                                          "20150830T123601Z (20150830T125101Z - 15 min.)"),
            std::string::npos)
      << late.status();
  clock_.set_micros((kSuiteTime - 16 * 60) * 1000000);
  auto early = verifier_.verify(r, suite_lookup);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.status().ToString().find("Signature not yet current"), std::string::npos);
}

TEST(SigV4Verify, SignedRequestRoundTripsAndBodyIsHashedByServer) {
  FakeClock clock(kSuiteTime * 1000000);
  SigV4Verifier verifier("glue", clock);
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers["host"] = "127.0.0.1:8787";
  r.headers["content-type"] = "application/x-amz-json-1.1";
  r.headers["x-amz-target"] = "AWSGlue.GetDatabases";
  r.body = "{}";
  ASSERT_TRUE(sigv4_sign_request(r, {kAccessKey, kExampleSecret, "", "eu-west-1", "glue", kSuiteTime}).ok());
  auto ok = verifier.verify(r, suite_lookup);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->region, "eu-west-1");

  HttpRequest tampered = r;
  tampered.body = "{\"CatalogId\":\"1\"}";
  auto bad = verifier.verify(tampered, suite_lookup);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(error_name(bad.status()), "InvalidSignatureException");

  HttpRequest claimed = r;
  claimed.headers["x-amz-content-sha256"] = sha256_hex("something else");
  auto mismatch = verifier.verify(claimed, suite_lookup);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().ToString().find("x-amz-content-sha256"), std::string::npos);
}

TEST(SigV4Verify, ContentSha256HeaderMatchingTheBodyIsAccepted) {
  FakeClock clock(kSuiteTime * 1000000);
  SigV4Verifier verifier("glue", clock);
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers["host"] = "localhost";
  r.body = "{\"Name\":\"x\"}";
  SigV4SigningParams p{kAccessKey, kExampleSecret, "", "us-east-1", "glue", kSuiteTime};
  p.add_content_sha256 = true;
  ASSERT_TRUE(sigv4_sign_request(r, p).ok());
  EXPECT_EQ(r.headers["x-amz-content-sha256"], sha256_hex(r.body));
  EXPECT_TRUE(verifier.verify(r, suite_lookup).ok());
}

}  // namespace
}  // namespace mortar::api
