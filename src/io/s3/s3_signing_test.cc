// The S3 client signs with the shared signer (common/aws/sigv4) using S3's
// parameters. Checked against the worked examples of AWS's "Signature
// Calculations for the Authorization Header: Transferring Payload in a
// Single Chunk" page (examplebucket, us-east-1, 20130524T000000Z).
#include <gtest/gtest.h>

#include "common/aws/sigv4.h"
#include "common/crypto.h"
#include "io/s3/s3_client.h"

namespace mortar::io::s3 {
namespace {

constexpr int64_t kExampleTime = 1369353600;  // 20130524T000000Z
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigV4SigningParams s3_params() {
  SigV4SigningParams p;
  p.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  p.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  p.region = "us-east-1";
  p.service = "s3";
  p.epoch_seconds = kExampleTime;
  p.add_content_sha256 = true;
  p.normalize_path = false;
  return p;
}

std::string signature_of(const std::map<std::string, std::string>& headers) {
  const std::string& auth = headers.at("authorization");
  return auth.substr(auth.find("Signature=") + 10);
}

TEST(S3Signing, GetObjectExample) {
  std::map<std::string, std::string> h{{"host", "examplebucket.s3.amazonaws.com"},
                                       {"range", "bytes=0-9"}};
  ASSERT_TRUE(sigv4_sign("GET", "/test.txt", h, "", s3_params()).ok());
  EXPECT_EQ(h["x-amz-content-sha256"], kEmptyHash);
  EXPECT_EQ(h["authorization"],
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3Signing, PutObjectExampleEncodesDollarOnce) {
  std::map<std::string, std::string> h{{"host", "examplebucket.s3.amazonaws.com"},
                                       {"date", "Fri, 24 May 2013 00:00:00 GMT"},
                                       {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  std::string path = "/" + sigv4_uri_encode("test$file.text", false);
  EXPECT_EQ(path, "/test%24file.text");
  ASSERT_TRUE(sigv4_sign("PUT", path, h, "Welcome to Amazon S3.", s3_params()).ok());
  EXPECT_EQ(h["x-amz-content-sha256"], "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(signature_of(h), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  // With path normalization (every other service) '%' would be encoded again
  // and the signature would differ: S3 must not double-encode.
  std::map<std::string, std::string> h2{{"host", "examplebucket.s3.amazonaws.com"},
                                        {"date", "Fri, 24 May 2013 00:00:00 GMT"},
                                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  SigV4SigningParams normalized = s3_params();
  normalized.normalize_path = true;
  ASSERT_TRUE(sigv4_sign("PUT", path, h2, "Welcome to Amazon S3.", normalized).ok());
  EXPECT_NE(signature_of(h2), signature_of(h));
}

TEST(S3Signing, ListObjectsExampleSortsAndEncodesQuery) {
  std::string query = sigv4_query_string({{"prefix", "J"}, {"max-keys", "2"}});
  EXPECT_EQ(query, "max-keys=2&prefix=J");
  std::map<std::string, std::string> h{{"host", "examplebucket.s3.amazonaws.com"}};
  ASSERT_TRUE(sigv4_sign("GET", "/?" + query, h, "", s3_params()).ok());
  EXPECT_EQ(signature_of(h), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3Signing, UnsignedPayloadAndSessionToken) {
  std::map<std::string, std::string> h{{"host", "b.s3.amazonaws.com"}};
  SigV4SigningParams p = s3_params();
  p.payload_hash = std::string(kUnsignedPayload);
  p.session_token = "TOKEN";
  ASSERT_TRUE(sigv4_sign("PUT", "/k", h, "a body that is not hashed", p).ok());
  EXPECT_EQ(h["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
  EXPECT_EQ(h["x-amz-security-token"], "TOKEN");
  EXPECT_NE(h["authorization"].find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
            std::string::npos)
      << h["authorization"];
}

TEST(S3Signing, UriAndQueryEncodingFollowS3Rules) {
  EXPECT_EQ(sigv4_uri_encode("a b/c~d_e-f.g", false), "a%20b/c~d_e-f.g");
  EXPECT_EQ(sigv4_uri_encode("a/b", true), "a%2Fb");
  EXPECT_EQ(sigv4_uri_encode("x+y=z&", true), "x%2By%3Dz%26");
  EXPECT_EQ(sigv4_uri_encode("\xC3\xA9", false), "%C3%A9");
  EXPECT_EQ(sigv4_query_string({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(base64_encode(md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");  // Content-MD5 of DeleteObjects
}

TEST(S3Signing, VirtualHostNeedsDnsCompatibleBuckets) {
  EXPECT_TRUE(dns_compatible_bucket("my-bucket-1"));
  EXPECT_FALSE(dns_compatible_bucket("my.bucket"));
  EXPECT_FALSE(dns_compatible_bucket("MyBucket"));
  EXPECT_FALSE(dns_compatible_bucket("ab"));
  EXPECT_FALSE(dns_compatible_bucket("-bucket"));
}

}  // namespace
}  // namespace mortar::io::s3
