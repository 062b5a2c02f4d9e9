// Checks the signer against the worked examples in AWS's "Signature
// Calculations for the Authorization Header: Transferring Payload in a
// Single Chunk" page (examplebucket, us-east-1, 20130524T000000Z).
#include "io/s3/sigv4_signer.h"

#include <gtest/gtest.h>

namespace mortar::io::s3 {
namespace {

const Credentials kCreds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string header(const SigningRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(SigV4Signer, GetObjectExample) {
  SigningRequest r{"GET", "/test.txt", {}, {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}},
                   sha256_hex("")};
  EXPECT_EQ(r.payload_hash, kEmptyHash);
  sign_request(r, kCreds, "us-east-1", kDate);
  EXPECT_EQ(header(r, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Signer, PutObjectExampleEncodesDollarInKey) {
  std::string body = "Welcome to Amazon S3.";
  SigningRequest r{"PUT", "/" + uri_encode("test$file.text", false), {},
                   {{"Host", "examplebucket.s3.amazonaws.com"},
                    {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                    {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                   sha256_hex(body)};
  EXPECT_EQ(r.canonical_uri, "/test%24file.text");
  EXPECT_EQ(r.payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  sign_request(r, kCreds, "us-east-1", kDate);
  EXPECT_NE(header(r, "authorization")
                .find("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
            std::string::npos)
      << header(r, "authorization");
}

TEST(SigV4Signer, ListObjectsExampleSortsAndEncodesQuery) {
  SigningRequest r{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}},
                   {{"Host", "examplebucket.s3.amazonaws.com"}}, kEmptyHash};
  EXPECT_EQ(canonical_query(r.query), "max-keys=2&prefix=J");
  sign_request(r, kCreds, "us-east-1", kDate);
  EXPECT_NE(header(r, "authorization")
                .find("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
            std::string::npos)
      << header(r, "authorization");
}

TEST(SigV4Signer, CanonicalRequestLayout) {
  SigningRequest r{"GET", "/test.txt", {}, {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", " bytes=0-9 "}},
                   kEmptyHash};
  r.headers.emplace_back("x-amz-content-sha256", kEmptyHash);
  r.headers.emplace_back("x-amz-date", kDate);
  EXPECT_EQ(canonical_request(r),
            std::string("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
                        "x-amz-content-sha256:") +
                kEmptyHash + "\nx-amz-date:" + kDate + "\n\nhost;range;x-amz-content-sha256;x-amz-date\n" +
                kEmptyHash);
}

TEST(SigV4Signer, SessionTokenIsSigned) {
  SigningRequest r{"GET", "/k", {}, {{"host", "h"}}, kEmptyHash};
  Credentials c = kCreds;
  c.session_token = "TOKEN";
  sign_request(r, c, "us-east-1", kDate);
  EXPECT_EQ(header(r, "x-amz-security-token"), "TOKEN");
  EXPECT_NE(header(r, "authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(SigV4Signer, UriEncodingFollowsS3Rules) {
  EXPECT_EQ(uri_encode("a b/c~d_e-f.g", false), "a%20b/c~d_e-f.g");
  EXPECT_EQ(uri_encode("a/b", true), "a%2Fb");
  EXPECT_EQ(uri_encode("x+y=z&", true), "x%2By%3Dz%26");
  EXPECT_EQ(uri_encode("\xC3\xA9", false), "%C3%A9");
  EXPECT_EQ(canonical_query({{"uploads", ""}}), "uploads=");
}

TEST(SigV4Signer, ContentMd5) {
  EXPECT_EQ(base64_md5(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

}  // namespace
}  // namespace mortar::io::s3
