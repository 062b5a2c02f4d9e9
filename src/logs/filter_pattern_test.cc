#include "logs/filter_pattern.h"

#include <gtest/gtest.h>

namespace mortar::logs {
namespace {

bool match(const std::string& pattern, const std::string& message) {
  auto p = FilterPattern::parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status();
  return p.ok() && p->matches(message);
}

TEST(FilterPattern, EmptyMatchesEverything) {
  EXPECT_TRUE(match("", "anything"));
  EXPECT_TRUE(match("   ", ""));
}

TEST(FilterPattern, AllTermsMustOccurCaseSensitively) {
  EXPECT_TRUE(match("ERROR disk", "2026 ERROR: disk full"));
  EXPECT_FALSE(match("ERROR disk", "2026 ERROR: net down"));
  EXPECT_FALSE(match("error", "ERROR"));
}

TEST(FilterPattern, QuotedPhrasesMatchExactly) {
  EXPECT_TRUE(match("\"disk full\"", "ERROR disk full"));
  EXPECT_FALSE(match("\"disk full\"", "full disk"));
  EXPECT_TRUE(match("\"say \\\"hi\\\"\"", "they say \"hi\""));
  EXPECT_TRUE(match("\"a:b [c]\"", "x a:b [c] y"));
}

TEST(FilterPattern, QuestionMarkTermsAreAlternatives) {
  EXPECT_TRUE(match("?ERROR ?WARN", "WARN slow"));
  EXPECT_TRUE(match("?ERROR ?WARN", "ERROR x"));
  EXPECT_FALSE(match("?ERROR ?WARN", "INFO x"));
  EXPECT_TRUE(match("job ?ERROR ?WARN", "job WARN"));
  EXPECT_FALSE(match("job ?ERROR ?WARN", "run WARN"));
}

TEST(FilterPattern, MinusTermsExclude) {
  EXPECT_TRUE(match("ERROR -Exiting", "ERROR disk"));
  EXPECT_FALSE(match("ERROR -Exiting", "ERROR Exiting now"));
  EXPECT_FALSE(match("-\"bad thing\"", "a bad thing"));
}

TEST(FilterPattern, RefusesWhatItDoesNotSupportOrCannotParse) {
  for (const char* bad :
       {"{ $.level = \"ERROR\" }", "[ip, user]", "%ERR.*%", "\"open", "?", "a -", "\"x\"y"}) {
    auto p = FilterPattern::parse(bad);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(std::string(p.status().message()).find("Invalid filter pattern"), std::string::npos);
  }
}

TEST(FilterPattern, OverlappingPrefixesAreFound) {
  EXPECT_TRUE(match("aab", "aaab"));
  EXPECT_TRUE(match("abab", "ababab"));
  EXPECT_FALSE(match("abac", "ababab"));
}

}  // namespace
}  // namespace mortar::logs
