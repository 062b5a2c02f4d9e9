#include "io/glob_matcher.h"

#include <gtest/gtest.h>

namespace mortar::io {
namespace {

GlobMatcher make(std::vector<std::string> patterns,
                 GlobMatcher::LeadingSlash leading_slash = GlobMatcher::LeadingSlash::kIgnore) {
  auto m = GlobMatcher::compile(patterns, leading_slash);
  EXPECT_TRUE(m.ok()) << m.status();
  return std::move(*m);
}

// One pattern matched against a whole path, leading '/' kept (a file
// source's exclusions).
bool glob_match(const std::string& pattern, std::string_view path) {
  return make({pattern}, GlobMatcher::LeadingSlash::kKeep).matches(path);
}

TEST(GlobMatcher, StarStaysWithinOneSegment) {
  GlobMatcher m = make({"*.csv"});
  EXPECT_TRUE(m.excludes("data.csv"));
  EXPECT_FALSE(m.excludes("sub/data.csv"));  // Glue: only object names in the include folder
  EXPECT_FALSE(m.excludes("data.json"));
}

TEST(GlobMatcher, DoubleStarCrossesSegments) {
  GlobMatcher m = make({"**.csv"});
  EXPECT_TRUE(m.excludes("data.csv"));
  EXPECT_TRUE(m.excludes("a/b/c/data.csv"));
  EXPECT_FALSE(m.excludes("a/b/data.json"));
}

TEST(GlobMatcher, FolderPatternsExcludeTheirContents) {
  // Glue's table of examples.
  GlobMatcher one_level = make({"myfolder/*"});
  EXPECT_TRUE(one_level.excludes("myfolder/mysource"));
  EXPECT_TRUE(one_level.excludes("myfolder/mysource/data.csv"));
  EXPECT_FALSE(one_level.excludes("other/mysource/data.csv"));

  GlobMatcher all = make({"myfolder/**"});
  EXPECT_TRUE(all.excludes("myfolder/a/b/c.csv"));
  EXPECT_FALSE(all.excludes("myfolderx/a.csv"));

  GlobMatcher prefix = make({"Market*"});
  EXPECT_TRUE(prefix.excludes("Market_US/2024/data.csv"));
  EXPECT_TRUE(prefix.excludes("Market_EU/data.csv"));
  EXPECT_FALSE(prefix.excludes("Sales/Market_US/data.csv"));

  GlobMatcher incremental = make({"incremental_**/**"});
  EXPECT_TRUE(incremental.excludes("incremental_2024/x/y.parquet"));
  EXPECT_FALSE(incremental.excludes("full/x.parquet"));
}

TEST(GlobMatcher, QuestionMarkAndClasses) {
  GlobMatcher q = make({"foo.?"});
  EXPECT_TRUE(q.excludes("foo.a"));
  EXPECT_FALSE(q.excludes("foo.ab"));
  EXPECT_FALSE(q.excludes("foo./"));

  GlobMatcher cls = make({"part-[0-3].csv", "log[!a-c].txt"});
  EXPECT_TRUE(cls.excludes("part-2.csv"));
  EXPECT_FALSE(cls.excludes("part-7.csv"));
  EXPECT_TRUE(cls.excludes("logd.txt"));
  EXPECT_FALSE(cls.excludes("logb.txt"));
  EXPECT_FALSE(cls.matches("log/.txt"));  // a class never matches '/'
}

TEST(GlobMatcher, BraceAlternatives) {
  GlobMatcher m = make({"*.{csv,avro}", "{tmp,staging}/**"});
  EXPECT_TRUE(m.excludes("x.csv"));
  EXPECT_TRUE(m.excludes("x.avro"));
  EXPECT_FALSE(m.excludes("x.json"));
  EXPECT_TRUE(m.excludes("tmp/a/b.json"));
  EXPECT_TRUE(m.excludes("staging/b.json"));
  EXPECT_FALSE(m.excludes("prod/b.json"));
}

TEST(GlobMatcher, DotsAndRegexCharactersAreLiteral) {
  GlobMatcher m = make({"a+b(1).csv", ".hidden"});
  EXPECT_TRUE(m.excludes("a+b(1).csv"));
  EXPECT_FALSE(m.excludes("aab(1).csv"));
  EXPECT_TRUE(m.excludes(".hidden"));
  GlobMatcher escaped = make({"\\*.csv"});
  EXPECT_TRUE(escaped.excludes("*.csv"));
  EXPECT_FALSE(escaped.excludes("x.csv"));
}

TEST(GlobMatcher, LeadingSlashIsIgnored) {
  GlobMatcher m = make({"/myfolder/*"});
  EXPECT_TRUE(m.excludes("myfolder/x"));
}

TEST(GlobMatcher, FileSourceExclusionPatterns) {
  EXPECT_TRUE(glob_match("**.json", "/data/a/b.json"));
  EXPECT_FALSE(glob_match("*.json", "a/b.json"));  // * stays in one segment
  EXPECT_TRUE(glob_match("*.json", "b.json"));
  EXPECT_TRUE(glob_match("s3://bucket/**/*.{csv,tsv}", "s3://bucket/x/y/z.tsv"));
  EXPECT_TRUE(glob_match("part-?.csv", "part-1.csv"));
  EXPECT_TRUE(glob_match("[!a]*", "bcd"));
  EXPECT_FALSE(glob_match("[!a]*", "abc"));
  EXPECT_TRUE(glob_match("a\\*b", "a*b"));
  EXPECT_FALSE(glob_match("a\\*b", "axb"));
  EXPECT_TRUE(glob_match("**", ""));
  EXPECT_FALSE(glob_match("?", ""));
  // Many stars stay fast (no backtracking blow-up).
  std::string many;
  for (int i = 0; i < 40; ++i) many += "*a";
  EXPECT_FALSE(glob_match(many + "b", std::string(200, 'a')));
}

TEST(GlobMatcher, LeadingSlashKeptForAbsolutePatterns) {
  GlobMatcher m = make({"/data/skip/**"}, GlobMatcher::LeadingSlash::kKeep);
  EXPECT_TRUE(m.matches("/data/skip/a.csv"));
  EXPECT_FALSE(m.matches("data/skip/a.csv"));
}

TEST(GlobMatcher, ClassesFollowGluesBracketRules) {
  // A negated class matches one character of a name component, never '/'.
  EXPECT_FALSE(glob_match("a[!b]c", "a/c"));
  EXPECT_TRUE(glob_match("a[!b]c", "axc"));
  // '-' first (or first after '!') is literal, not a range.
  EXPECT_TRUE(glob_match("x[-a]", "x-"));
  EXPECT_TRUE(glob_match("x[!-a]", "x5"));  // not the range /-a
  EXPECT_FALSE(glob_match("x[!-a]", "x-"));
  // Inside a class '*', '?' and '\\' are themselves.
  EXPECT_TRUE(glob_match("[*?]", "?"));
  EXPECT_TRUE(glob_match("[\\]", "\\"));
}

TEST(GlobMatcher, EscapesInsideBraces) {
  GlobMatcher m = make({"{a\\,b,c}.csv"});
  EXPECT_TRUE(m.matches("a,b.csv"));
  EXPECT_TRUE(m.matches("c.csv"));
  EXPECT_FALSE(m.matches("a.csv"));
}

TEST(GlobMatcher, MalformedPatternsAreClearErrors) {
  for (std::string bad : {"[abc", "{a,b", "{a,{b,c}}", "abc\\"}) {
    auto m = GlobMatcher::compile({bad});
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(status_message(m.status())).find(bad), std::string::npos);
  }
}

}  // namespace
}  // namespace mortar::io
