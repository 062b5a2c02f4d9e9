// Guessed CSV schemas (schema_guess.h): actions start on each file's sampled
// rows; a value past the sample that does not fit reruns the action with the
// whole files' schema, and what the user is shown is never a guess.
#include "engine/schema_guess.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/file_sink.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::lines;
using testing::TempDir;
using testing::write_text;

// id,v with v a number in every row but `text_row` (0-based; -1: none).
std::string csv(int rows, int text_row) {
  std::string out = "id,v\n";
  for (int i = 0; i < rows; ++i)
    out += std::to_string(i) + "," + (i == text_row ? "n/a" : std::to_string(i * 10)) + "\n";
  return out;
}

// A CSV source that samples `sample` rows and reads 64-row batches.
DynamicFrame frame_over(const std::string& path, int sample) {
  FileSourceOptions o;
  o.paths = {path};
  o.format = "csv";
  o.format_options = {{"withHeader", "true"}, {"inferSampleRows", std::to_string(sample)}};
  o.batch_rows = 64;
  auto frame = DynamicFrame::from_files(o);
  EXPECT_TRUE(frame.ok()) << frame.status();
  return *frame;
}

bool has_temp_leftovers(const std::string& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp") != std::string::npos) return true;
  return false;
}

TEST(SchemaGuess, SchemaShownIsTheWholeFilesEvenWhenTheSampleMissesTheText) {
  TempDir dir;
  write_text(dir.file("in/a.csv"), csv(1000, 900));
  auto frame = frame_over(dir.file("in"), 10);
  EXPECT_EQ(testing::schema_of(frame), "struct<id:bigint,v:choice<bigint,string>>");
}

TEST(SchemaGuess, SinkRerunsWithTheWiderSchemaAndLeavesNoTrace) {
  TempDir dir;
  write_text(dir.file("in/a.csv"), csv(1000, 900));
  auto frame = frame_over(dir.file("in"), 10);
  // As scripts do: the mixed column resolved, written partitioned.
  auto resolved = frame.resolve_choice({{"v", "cast:long"}});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "parquet";
  auto written = write_files(*resolved, o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 1000);
  EXPECT_EQ(written->attempts, 2);
  EXPECT_EQ(written->schema->to_string(), "struct<id:bigint,v:bigint>");
  EXPECT_FALSE(has_temp_leftovers(dir.path()));

  FileSourceOptions back;
  back.paths = {dir.file("out")};
  auto read = DynamicFrame::from_files(back);
  ASSERT_TRUE(read.ok()) << read.status();
  auto rows = read->to_rows();
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1000u);
  EXPECT_EQ((*rows)[899].as_struct().fields[1].as_int(), 8990);
  EXPECT_TRUE((*rows)[900].as_struct().fields[1].is_null());  // "n/a" cast to long
  EXPECT_EQ((*rows)[901].as_struct().fields[1].as_int(), 9010);
}

TEST(SchemaGuess, GuessThatFitsNeedsNoRerunAndLaterSchemaIsExact) {
  TempDir dir;
  write_text(dir.file("in/a.csv"), csv(500, 3));  // the sample sees the text
  auto frame = frame_over(dir.file("in"), 10);
  FileSinkOptions o;
  o.path = dir.file("out");
  o.format = "json";
  auto written = write_files(frame, o);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->rows, 500);
  EXPECT_EQ(written->attempts, 1);
  EXPECT_EQ(testing::schema_of(frame), "struct<id:bigint,v:choice<bigint,string>>");
}

TEST(SchemaGuess, ActionsAfterAWideningSeeEveryRecord) {
  TempDir dir;
  write_text(dir.file("in/a.csv"), csv(300, 250));
  auto frame = frame_over(dir.file("in"), 10);
  auto n = frame.count();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 300);
  // A second frame over the same files guesses afresh and widens too.
  auto again = frame_over(dir.file("in"), 10);
  auto rows = again.to_rows();
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 300u);
  EXPECT_EQ((*rows)[249].as_struct().fields[1].as_int(), 2490);
  EXPECT_EQ((*rows)[250].as_struct().fields[1].as_string(), "n/a");
  const std::string text = lines(frame_over(dir.file("in"), 10));
  EXPECT_NE(text.find("\"n/a\""), std::string::npos);
}

TEST(SchemaGuess, PartitionColumnsFollowAWidenedBatch) {
  TempDir dir;
  write_text(dir.file("in/day=1/a.csv"), csv(200, 150));
  auto frame = frame_over(dir.file("in"), 10);
  auto mapped =
      frame.apply_mapping({{"v", "string", "v", "string"}, {"day", "string", "day", "int"}});
  ASSERT_TRUE(mapped.ok()) << mapped.status();
  auto rows = mapped->to_rows();
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 200u);
  EXPECT_EQ((*rows)[150].as_struct().fields[0].as_string(), "n/a");
  EXPECT_EQ((*rows)[199].as_struct().fields[1].as_int(), 1);
}

TEST(SchemaGuess, WidenedStatusSurvivesAnnotation) {
  Status s = annotate(schema_widened("v"), "writing out");
  EXPECT_TRUE(is_schema_widened(s));
  EXPECT_FALSE(is_schema_widened(absl::AbortedError("v")));
  int calls = 0;
  Status r = rerun_if_widened([&] { return ++calls < 2 ? schema_widened("x") : ok_status(); });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace mortar::engine
