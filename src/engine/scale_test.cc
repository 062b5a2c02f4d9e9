// Larger inputs: many batches through a chain of transforms into a sink,
// checked by aggregate values (and timed by the test runner).
#include <gtest/gtest.h>

#include "engine/file_sink.h"
#include "engine/test_util.h"

namespace mortar::engine {
namespace {

using testing::TempDir;
using types::Value;

TEST(Scale, CsvThroughMappingFilterIntoPartitionedParquet) {
  TempDir dir;
  constexpr int kRows = 200000;
  std::string csv = "id,amount,region\n";
  csv.reserve(kRows * 24);
  for (int i = 0; i < kRows; ++i)
    csv += std::to_string(i) + "," + (i % 97 == 0 ? "n/a" : std::to_string(i % 1000) + ".5") + "," +
           (i % 3 == 0 ? "eu" : "us") + "\n";
  testing::write_text(dir.file("in/a.csv"), csv);
  FileSourceOptions src;
  src.paths = {dir.file("in")};
  src.format = "csv";
  src.format_options = {{"withHeader", "true"}, {"inferSchema", "false"}};
  src.batch_rows = 8192;
  auto in = DynamicFrame::from_files(src);
  ASSERT_TRUE(in.ok()) << in.status();
  auto mapped = in->apply_mapping({{"id", "string", "id", "long"},
                                   {"amount", "string", "amount", "double"},
                                   {"region", "string", "region", "string"}});
  ASSERT_TRUE(mapped.ok());
  auto kept = mapped->filter([](const Record& r) { return !r.get("amount").is_null(); });
  FileSinkOptions sink;
  sink.path = dir.file("out");
  sink.format = "parquet";
  sink.partition_keys = {"region"};
  auto written = write_files(kept.repartition(2), sink);
  ASSERT_TRUE(written.ok()) << written.status();
  const int64_t expected = kRows - (kRows + 96) / 97;
  EXPECT_EQ(written->rows, expected);
  EXPECT_EQ(written->files.size(), 4u);  // 2 regions x 2 files

  FileSourceOptions back;
  back.paths = {sink.path};
  auto again = DynamicFrame::from_files(back);
  ASSERT_TRUE(again.ok()) << again.status();
  int64_t rows = 0, eu = 0;
  double total = 0;
  ASSERT_TRUE(again
                  ->for_each_batch([&](const types::RecordBatch& b) {
                    int a = b.column_index("amount"), r = b.column_index("region");
                    for (int64_t i = 0; i < b.num_rows(); ++i) {
                      total += b.column(a).value<double>(i);
                      eu += b.column(r).string_at(i) == "eu";
                    }
                    rows += b.num_rows();
                    return ok_status();
                  })
                  .ok());
  double want = 0;
  int64_t want_eu = 0;
  for (int i = 0; i < kRows; ++i) {
    if (i % 97 == 0) continue;
    want += i % 1000 + 0.5;
    want_eu += i % 3 == 0;
  }
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(eu, want_eu);
  EXPECT_DOUBLE_EQ(total, want);
}

}  // namespace
}  // namespace mortar::engine
