// The engine's memory budget: transforms that must hold data fail with a
// message naming the transform and the budget instead of growing unbounded.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "engine/exec_context.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::TempDir;
using testing::write_text;

// Sets MORTAR_ENGINE_MEMORY_MB for one test.
class ScopedBudget {
 public:
  explicit ScopedBudget(const char* mb) { setenv("MORTAR_ENGINE_MEMORY_MB", mb, 1); }
  ~ScopedBudget() { unsetenv("MORTAR_ENGINE_MEMORY_MB"); }
};

// ~3 MB of JSON lines: 20,000 records with distinct keys and 100-byte text.
DynamicFrame big_frame(const TempDir& dir, const std::string& name) {
  std::string text;
  const std::string pad(100, 'p');
  for (int i = 0; i < 20000; ++i)
    text += "{\"k\": " + std::to_string(i) + ", \"pad\": \"" + pad + "\"}\n";
  write_text(dir.file(name + "/a.json"), text);
  FileSourceOptions o;
  o.paths = {dir.file(name)};
  auto frame = DynamicFrame::from_files(o);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return *frame;
}

void expect_budget_error(const Status& s, const std::string& transform) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  std::string msg(status_message(s));
  EXPECT_NE(msg.find(transform), std::string::npos) << msg;
  EXPECT_NE(msg.find("1 MB"), std::string::npos) << msg;
  EXPECT_NE(msg.find("MORTAR_ENGINE_MEMORY_MB"), std::string::npos) << msg;
}

TEST(MemoryBudget, LimitFromTheEnvironment) {
  EXPECT_EQ(engine_memory_limit(), int64_t{2048} << 20);
  {
    ScopedBudget b("64");
    EXPECT_EQ(engine_memory_limit(), int64_t{64} << 20);
  }
  ScopedBudget bad("lots");
  EXPECT_EQ(engine_memory_limit(), int64_t{2048} << 20);
  MemoryBudget m(100);
  EXPECT_TRUE(m.reserve("X", 60).ok());
  EXPECT_FALSE(m.reserve("X", 60).ok());
  m.release(120);
  EXPECT_EQ(m.used(), 0);
}

TEST(MemoryBudget, HoldingTransformsFailClearlyPastTheBudget) {
  TempDir dir;
  auto left = big_frame(dir, "l");
  auto right = big_frame(dir, "r");
  {
    ScopedBudget b("1");
    auto dedup = left.drop_duplicates({"k"});
    ASSERT_TRUE(dedup.ok());
    expect_budget_error(dedup->count().status(), "DropDuplicates");
    auto merged = left.merge_frames(right, {"k"});
    ASSERT_TRUE(merged.ok());
    expect_budget_error(merged->count().status(), "mergeDynamicFrame");
    expect_budget_error(left.relationalize("root").status(), "Relationalize");
  }
  // Within the default budget the same work succeeds.
  auto dedup = left.drop_duplicates({"k"});
  ASSERT_TRUE(dedup.ok());
  EXPECT_EQ(*dedup->count(), 20000);
}

std::vector<std::string> sorted_json(const DynamicFrame& frame) {
  auto records = frame.to_records();
  EXPECT_TRUE(records.ok()) << records.status();
  std::vector<std::string> out;
  if (records.ok())
    for (const auto& r : *records) out.push_back(r.to_json());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(MemoryBudget, JoinSpillsItsRightSidePastTheBudget) {
  TempDir dir;
  TempDir spill_dir;
  setenv("TMPDIR", spill_dir.path().c_str(), 1);
  auto left = big_frame(dir, "l");
  auto right = big_frame(dir, "r");
  auto joined = left.join({"k"}, right, {"k"});
  ASSERT_TRUE(joined.ok());
  auto in_memory = sorted_json(*joined);
  ASSERT_EQ(in_memory.size(), 20000u);
  {
    ScopedBudget b("1");  // the right side (~3 MB) spills into 16 partitions
    EXPECT_EQ(sorted_json(*joined), in_memory);
  }
  EXPECT_TRUE(std::filesystem::is_empty(spill_dir.path()));  // spill files removed

  // One key everywhere: a partition cannot be smaller than its key's rows.
  std::string same;
  for (int i = 0; i < 20000; ++i) same += "{\"k\": 7, \"pad\": \"" + std::string(100, 'q') + "\"}\n";
  write_text(dir.file("same/a.json"), same);
  write_text(dir.file("one/a.json"), "{\"k\": 7}\n");
  FileSourceOptions o;
  o.paths = {dir.file("same")};
  auto skewed = DynamicFrame::from_files(o);
  o.paths = {dir.file("one")};
  auto one = DynamicFrame::from_files(o);
  ASSERT_TRUE(skewed.ok() && one.ok());
  auto skew_join = one->join({"k"}, *skewed, {"k"});
  ASSERT_TRUE(skew_join.ok());
  {
    ScopedBudget b("1");
    expect_budget_error(skew_join->count().status(), "Join");
  }
  EXPECT_TRUE(std::filesystem::is_empty(spill_dir.path()));
  unsetenv("TMPDIR");
}

}  // namespace
}  // namespace mortar::engine
