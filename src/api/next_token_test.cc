#include "api/next_token.h"

#include <gtest/gtest.h>

#include "common/crypto.h"

namespace mortar::api {
namespace {

bool is_invalid_token(const StatusOr<nlohmann::json>& r) {
  return !r.ok() && glue_error_name(r.status()).value_or("") == "InvalidInputException" &&
         status_message(r.status()) == "Invalid NextToken";
}

TEST(NextToken, RoundTripsThePosition) {
  NextTokenCodec codec("secret-key");
  nlohmann::json pos = {{"after", "orders"}, {"n", 100}};
  std::string token = codec.encode("GetTables", "db=sales", pos);
  auto back = codec.decode("GetTables", "db=sales", token);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, pos);
  // URL- and JSON-safe: no padding, no '+' or '/'.
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);
}

TEST(NextToken, DifferentPositionsGiveDifferentTokens) {
  NextTokenCodec codec("k");
  EXPECT_NE(codec.encode("GetTables", "", {{"after", "a"}}),
            codec.encode("GetTables", "", {{"after", "b"}}));
}

TEST(NextToken, ReplayAgainstAnotherOperationOrQueryIsRejected) {
  NextTokenCodec codec("secret-key");
  std::string token = codec.encode("GetTables", "db=sales", {{"after", "orders"}});
  EXPECT_TRUE(is_invalid_token(codec.decode("GetDatabases", "db=sales", token)));
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables", "db=other", token)));
  // Length-prefixing keeps the op/fingerprint boundary unambiguous.
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables|db=sales", "", token)));
}

TEST(NextToken, TamperingIsRejected) {
  NextTokenCodec codec("secret-key");
  std::string token = codec.encode("GetTables", "", {{"after", "orders"}});
  auto raw = *base64url_decode(token);
  std::string payload = raw.substr(32);
  // Same MAC, edited position.
  std::string edited = raw.substr(0, 32) + R"({"after":"zzz"})";
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables", "", base64url_encode(edited))));
  std::string flipped = token;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables", "", flipped)));
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables", "", "not base64 !!")));
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables", "", "")));
  EXPECT_TRUE(is_invalid_token(codec.decode("GetTables", "", "AAAA")));
}

TEST(NextToken, AnotherServerSecretIsRejected) {
  std::string token = NextTokenCodec("one").encode("GetTables", "", {{"after", "x"}});
  EXPECT_TRUE(is_invalid_token(NextTokenCodec("two").decode("GetTables", "", token)));
}

}  // namespace
}  // namespace mortar::api
