// ParsedCache: never stale, bounded by its memory budget, least recently used out first.
#include "catalog/parsed_cache.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace mortar::catalog {
namespace {

// Bodies of equal length, so every entry is charged the same.
std::string body(int i) {
  char name[16];
  snprintf(name, sizeof name, "t%05d", i);
  return std::string(R"({"Name":")") + name + R"(","Padding":")" + std::string(100, 'x') + "\"}";
}

TEST(ParsedCacheTest, ServesTheParseOnlyForTheSameText) {
  ParsedCache cache(1 << 20);
  auto first = cache.get(1, body(1));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["Name"], "t00001");
  auto hit = cache.find(1, body(1));
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ((*hit)["Name"], "t00001");
  EXPECT_EQ(cache.find(1, body(2)), nullptr);  // row 1 was rewritten: no stale parse
  EXPECT_EQ((*cache.get(1, body(2)))["Name"], "t00002");
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), ParsedCache::charge(body(2)));
  EXPECT_FALSE(cache.get(2, "{not json").ok());
}

TEST(ParsedCacheTest, StaysWithinItsBudgetUnderEndlessNewIds) {
  const size_t per_entry = ParsedCache::charge(body(0));
  ParsedCache cache(50 * per_entry);
  for (int i = 0; i < 5000; ++i) {  // ids that keep coming, as creates and deletes make them
    ASSERT_TRUE(cache.get(i, body(i)).ok());
    ASSERT_LE(cache.bytes(), cache.max_bytes());
  }
  EXPECT_EQ(cache.entries(), 50u);
  EXPECT_NE(cache.find(4999, body(4999)), nullptr);  // the newest are kept
  EXPECT_EQ(cache.find(4949, body(4949)), nullptr);  // the oldest went first
}

TEST(ParsedCacheTest, EvictsTheLeastRecentlyUsed) {
  const size_t per_entry = ParsedCache::charge(body(0));
  ParsedCache cache(3 * per_entry);
  for (int i = 1; i <= 3; ++i) cache.put(i, body(i), std::make_shared<const nlohmann::json>(i));
  ASSERT_NE(cache.find(1, body(1)), nullptr);  // 1 is now the most recent; 2 the least
  cache.put(4, body(4), std::make_shared<const nlohmann::json>(4));
  EXPECT_EQ(cache.find(2, body(2)), nullptr);
  EXPECT_NE(cache.find(1, body(1)), nullptr);
  EXPECT_NE(cache.find(3, body(3)), nullptr);
  EXPECT_NE(cache.find(4, body(4)), nullptr);
}

TEST(ParsedCacheTest, ABudgetTooSmallForAnEntryCachesNothing) {
  ParsedCache none(0);
  EXPECT_EQ((*none.get(1, body(1)))["Name"], "t00001");  // still parses
  EXPECT_EQ(none.entries(), 0u);
  EXPECT_EQ(none.bytes(), 0u);
  ParsedCache small(ParsedCache::charge(body(1)) + 1);
  ASSERT_TRUE(small.get(1, body(1)).ok());
  ASSERT_TRUE(small.get(2, std::string(R"({"big":")") + std::string(1000, 'y') + "\"}").ok());
  EXPECT_NE(small.find(1, body(1)), nullptr);  // the oversized one did not push it out
  EXPECT_EQ(small.entries(), 1u);
}

}  // namespace
}  // namespace mortar::catalog
