#include "crawler/plan/glob_matcher.h"

#include <gtest/gtest.h>

namespace mortar::crawler {
namespace {

GlobMatcher make(std::vector<std::string> patterns) {
  auto m = GlobMatcher::compile(patterns);
  EXPECT_TRUE(m.ok()) << m.status();
  return std::move(*m);
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

TEST(GlobMatcher, MalformedPatternsAreClearErrors) {
  for (std::string bad : {"[abc", "{a,b", "{a,{b,c}}", "abc\\"}) {
    auto m = GlobMatcher::compile({bad});
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(status_message(m.status())).find(bad), std::string::npos);
  }
}

}  // namespace
}  // namespace mortar::crawler
