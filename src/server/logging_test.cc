#include "server/logging.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mortar::server {
namespace {

TEST(LoggingTest, JsonLinesAreValidJsonWithEscapedValues) {
  std::string line = format_event(true, "request",
                                  {{"request_id", "abc"},
                                   {"principal", "a \"quoted\"\nname"},
                                   {"status", "200", true},
                                   {"error", ""}});
  auto j = nlohmann::json::parse("{" + line + "}");
  EXPECT_EQ(j["msg"], "request");
  EXPECT_EQ(j["principal"], "a \"quoted\"\nname");
  EXPECT_EQ(j["status"], 200);  // numbers stay numbers
  EXPECT_EQ(j["error"], "");
}

TEST(LoggingTest, TextLinesAreKeyValueWithQuotingWhereNeeded) {
  std::string line = format_event(false, "request",
                                  {{"operation", "GetTable"}, {"principal", ""}, {"msg", "two words"}});
  EXPECT_EQ(line, "request operation=GetTable principal=- msg=\"two words\"");
}

}  // namespace
}  // namespace mortar::server
