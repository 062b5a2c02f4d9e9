// The CSV reader on inputs built to exhaust it: very wide headers (many
// repeated or distinct names) and records longer than maxRecordSize, among
// them one endless line, as a small compressed file can expand to.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/csv/csv_column_names.h"
#include "formats/csv/csv_format.h"
#include "formats/csv/csv_reader.h"
#include "formats/testing_util.h"

namespace mortar::formats::csv {
namespace {

using formats::testing::EndlessInput;
using formats::testing::read_all;
using formats::testing::ReadResult;
using formats::testing::TempDir;
using formats::testing::write_text;
using ::testing::HasSubstr;

std::vector<std::string> unique(std::vector<std::string> names) {
  make_names_unique(names);
  return names;
}

TEST(CsvColumnNames, RepeatsTakeTheFirstFreeSuffix) {
  EXPECT_EQ(unique({"a", "a", "a_1", "b", "a"}),
            (std::vector<std::string>{"a", "a_1", "a_1_1", "b", "a_2"}));
  EXPECT_EQ(unique({"a_1", "a", "a", "a"}), (std::vector<std::string>{"a_1", "a", "a_2", "a_3"}));
  EXPECT_EQ(unique({"x", "x_2", "x", "x", "x"}),
            (std::vector<std::string>{"x", "x_2", "x_1", "x_3", "x_4"}));
  EXPECT_EQ(unique({"", ""}), (std::vector<std::string>{"", "_1"}));
}

// 200,000 copies of one name took hours with the old per-name rescan (cubic);
// now every name is looked up a bounded number of times.
TEST(CsvColumnNames, ManyRepeatsOfOneName) {
  std::vector<std::string> names = unique(std::vector<std::string>(200000, "a"));
  EXPECT_EQ(names[0], "a");
  EXPECT_EQ(names[1], "a_1");
  EXPECT_EQ(names.back(), "a_199999");
}

TEST(CsvColumnNames, AMillionDistinctNames) {
  std::vector<std::string> names;
  for (int i = 0; i < 1000000; ++i) names.push_back("c" + std::to_string(i));
  EXPECT_EQ(unique(names), names);
}

class CsvLimitsTest : public ::testing::Test {
 protected:
  ReadResult read(const std::string& content, Options format_options = {},
                  const std::string& name = "t.csv") {
    std::string path = dir_.file(name);
    write_text(path, content);
    ReadOptions o;
    o.format_options = std::move(format_options);
    return read_all(csv_format(), path, o);
  }
  TempDir dir_;
};

// The issue's file: a 16 KB header of 4,000 copies of `a` (21 s before).
TEST_F(CsvLimitsTest, HeaderOfFourThousandRepeatedNames) {
  std::string header = "a";
  for (int i = 1; i < 4000; ++i) header += ",a";
  std::string row = "1";
  for (int i = 1; i < 4000; ++i) row += ",x";
  auto r = read(header + "\n" + row + "\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  const auto& fields = r.schema->fields();
  ASSERT_EQ(fields.size(), 4000u);
  EXPECT_EQ(fields[0].name, "a");
  EXPECT_EQ(fields[1].name, "a_1");
  EXPECT_EQ(fields[3999].name, "a_3999");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_THAT(r.rows[0], HasSubstr(R"("a":1,"a_1":"x")"));
}

TEST_F(CsvLimitsTest, HeaderOfAHundredThousandDistinctNames) {
  std::string header, row;
  for (int i = 0; i < 100000; ++i) {
    header += (i ? ",n" : "n") + std::to_string(i);
    row += i ? ",1" : "1";
  }
  auto r = read(header + "\n" + row + "\n", {{"withHeader", "true"}});
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.schema->fields().size(), 100000u);
  EXPECT_EQ(r.schema->fields()[99999].name, "n99999");
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST_F(CsvLimitsTest, RecordsUpToMaxRecordSizeAreRead) {
  // Records of exactly 100 bytes (line ending not counted), with blocks
  // smaller than a record and larger than the limit.
  std::string long_value(98, 'x');
  std::string text = "1," + long_value + "\n2," + long_value + "\r\n3," + long_value;
  for (const char* block : {"64", "4096"}) {
    auto r = read(text, {{"maxRecordSize", "100"}, {"blockSize", block}});
    ASSERT_TRUE(r.status.ok()) << block << ": " << r.status;
    EXPECT_EQ(r.rows.size(), 3u) << block;
  }
}

TEST_F(CsvLimitsTest, LongerRecordIsRefusedWithItsLocation) {
  std::string text = "a,b\n1,short\n2," + std::string(200, 'y') + "\n3,short\n";
  // The long record (202 bytes) lies inside one block, then across blocks.
  for (const char* block : {"64", "4096"}) {
    auto r = read(text, {{"withHeader", "true"}, {"maxRecordSize", "100"}, {"blockSize", block}});
    ASSERT_FALSE(r.status.ok()) << block;
    EXPECT_TRUE(absl::IsInvalidArgument(r.status)) << r.status;
    const std::string msg(status_message(r.status));
    EXPECT_THAT(msg, HasSubstr("t.csv: line 3 (byte offset 12): record")) << block;
    EXPECT_THAT(msg, HasSubstr("longer than maxRecordSize (100 bytes)")) << block;
  }
  // Within a block the reader knows the record's length.
  auto r = read(text, {{"withHeader", "true"}, {"maxRecordSize", "100"}});
  EXPECT_THAT(std::string(status_message(r.status)), HasSubstr("record of 202 bytes is longer"));
  // Raising the option reads it.
  auto ok = read(text, {{"withHeader", "true"}, {"maxRecordSize", "202"}, {"blockSize", "64"}});
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  EXPECT_EQ(ok.rows.size(), 3u);
}

TEST_F(CsvLimitsTest, UnbalancedQuoteIsRefusedAtTheLimit) {
  std::string text = "a,b\n1,\"open\n";
  for (int i = 0; i < 1000; ++i) text += "2,more text\n";
  auto r = read(text, {{"withHeader", "true"}, {"maxRecordSize", "1000"}, {"blockSize", "256"}});
  ASSERT_FALSE(r.status.ok());
  EXPECT_THAT(
      std::string(status_message(r.status)),
      HasSubstr("line 2 (byte offset 4): record longer than maxRecordSize (1000 bytes); unless "
                "a quote is unbalanced, raise maxRecordSize"));
}

TEST_F(CsvLimitsTest, OptionIsValidated) {
  for (const char* bad : {"0", "-5", "2147483648"}) {
    auto r = read("a\n", {{"maxRecordSize", bad}});
    EXPECT_TRUE(absl::IsInvalidArgument(r.status)) << bad;
    EXPECT_THAT(std::string(status_message(r.status)), HasSubstr("maxRecordSize")) << bad;
  }
}

TEST(CsvMaxRecordSize, EndlessLineIsRefusedAfterAboutMaxRecordSizeBytes) {
  for (int64_t limit : {int64_t{1} << 20, int64_t{3} << 20}) {
    int64_t produced = 0;
    ReadOptions o;
    o.format_options["maxRecordSize"] = std::to_string(limit);
    o.format_options["blockSize"] = "65536";
    auto r = CsvReader::open_stream(
        std::make_unique<EndlessInput>("", 'a', &produced, "endless.csv"), "endless.csv", o, true);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(std::string(status_message(r.status())),
                HasSubstr(fmt::format("endless.csv: line 1 (byte offset 0): record longer than "
                                      "maxRecordSize ({} bytes)",
                                      limit)));
    // The buffer never held more than the limit and a byte.
    EXPECT_LE(produced, limit + 1);
    EXPECT_GT(produced, limit);
  }
}

TEST(CsvMaxRecordSize, DefaultLimitIs64MiB) {
  int64_t produced = 0;
  auto r = CsvReader::open_stream(std::make_unique<EndlessInput>("", 'a', &produced, "endless.csv"),
                                  "endless.csv", {}, true);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(status_message(r.status())),
              HasSubstr("record longer than maxRecordSize (67108864 bytes)"));
  EXPECT_EQ(produced, kDefaultMaxRecordSize + 1);
}

}  // namespace
}  // namespace mortar::formats::csv
