// record_count per format as the classifier reports it: exact for Avro
// (block headers), Parquet (row groups) and ORC (stripes) written by the
// formats' writers in several blocks/groups/stripes; a scaled estimate for a
// truncated Avro file and for CSV/JSON larger than their samples.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "crawler/classify/file_classifier.h"
#include "formats/format.h"
#include "formats/testing_util.h"

namespace mortar::crawler {
namespace {

using formats::testing::TempDir;
using formats::testing::write_text;

Classification classify_path(const std::string& path) {
  auto c = FileClassifier::create({}, ClassifyOptions{});
  EXPECT_TRUE(c.ok()) << c.status();
  FileEntry f;
  f.path = path;
  f.size = static_cast<int64_t>(std::filesystem::file_size(path));
  auto r = (*c)->classify(io::local_file_system(), f);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Classification{};
}

// `rows` rows of (id bigint, name string) through the named format's writer.
void write_rows(const std::string& format_name, const std::string& path, int64_t rows,
                formats::Options options = {}) {
  auto schema = types::DataType::structure(
      {{"id", types::DataType::bigint()}, {"name", types::DataType::string()}});
  auto format = formats::format_by_name(format_name);
  ASSERT_TRUE(format.ok()) << format.status();
  auto w =
      (*format)->open_writer(io::local_file_system(), path, schema, formats::WriteOptions{options});
  ASSERT_TRUE(w.ok()) << w.status();
  constexpr int64_t kBatch = 10000;
  for (int64_t at = 0; at < rows; at += kBatch) {
    auto batch = types::RecordBatch::make_empty(schema);
    int64_t n = std::min(kBatch, rows - at);
    for (int64_t i = at; i < at + n; ++i) {
      batch->column(0).append_int(i);
      batch->column(1).append_string("name-" + std::to_string(i % 977));
    }
    batch->set_num_rows(n);
    ASSERT_TRUE((*w)->write(*batch).ok());
  }
  ASSERT_TRUE((*w)->close().ok());
}

TEST(RecordCount, AvroCountsEveryBlock) {
  TempDir dir;
  // The writer cuts blocks at ~64k rows: three blocks.
  write_rows("avro", dir.file("a.avro"), 150001);
  Classification c = classify_path(dir.file("a.avro"));
  ASSERT_EQ(c.classification, "avro") << c.reason;
  EXPECT_EQ(c.record_count, 150001);
  EXPECT_EQ(c.average_record_size,
            static_cast<int64_t>(std::filesystem::file_size(dir.file("a.avro"))) / 150001);
  EXPECT_NE(c.reason.find("150001 records in 3 blocks"), std::string::npos) << c.reason;
}

TEST(RecordCount, AvroCompressedAndEmpty) {
  TempDir dir;
  write_rows("avro", dir.file("z.avro"), 70000, {{"compression", "deflate"}});
  EXPECT_EQ(classify_path(dir.file("z.avro")).record_count, 70000);
  write_rows("avro", dir.file("e.avro"), 0);
  Classification empty = classify_path(dir.file("e.avro"));
  EXPECT_EQ(empty.classification, "avro") << empty.reason;
  EXPECT_EQ(empty.record_count, 0);
  EXPECT_TRUE(empty.error.empty()) << empty.error;
}

TEST(RecordCount, TruncatedAvroIsEstimatedNotAnError) {
  TempDir dir;
  write_rows("avro", dir.file("t.avro"), 200000);
  auto size = std::filesystem::file_size(dir.file("t.avro"));
  std::filesystem::resize_file(dir.file("t.avro"), size - size / 5);
  Classification c = classify_path(dir.file("t.avro"));
  ASSERT_EQ(c.classification, "avro") << c.reason;
  EXPECT_TRUE(c.error.empty()) << c.error;
  // Whole blocks of 65536 rows remain; scaled to the bytes left (~160000 rows).
  EXPECT_GE(c.record_count, 131072);
  EXPECT_LE(c.record_count, 200000);
  EXPECT_NE(c.reason.find("estimated"), std::string::npos) << c.reason;
}

TEST(RecordCount, ParquetAndOrcAreExact) {
  TempDir dir;
  write_rows("parquet", dir.file("p.parquet"), 25000, {{"rowGroupRows", "4000"}});
  EXPECT_EQ(classify_path(dir.file("p.parquet")).record_count, 25000);
  write_rows("orc", dir.file("o.orc"), 25000);
  Classification orc = classify_path(dir.file("o.orc"));
  ASSERT_EQ(orc.classification, "orc") << orc.reason;
  EXPECT_EQ(orc.record_count, 25000);
}

// As the crawl runner's apply test writes its Parquet and Avro files (the one
// where a Mortar-written Parquet table once showed recordCount 0): a CSV read
// with a schema and a header, through the format's writer with no options.
TEST(RecordCount, FilesConvertedFromCsvByTheWriters) {
  TempDir dir;
  std::string body = "id,amount,item\n";
  for (int i = 0; i < 50; ++i)
    body += std::to_string(i) + "," + std::to_string(i) + ".5,item" + std::to_string(i) + "\n";
  write_text(dir.file("src.csv"), body);
  for (const char* name : {"parquet", "avro", "orc"}) {
    formats::ReadOptions ro;
    ro.format_options = {{"withHeader", "true"}};
    ro.schema = *types::DataType::parse("struct<id:bigint,amount:double,item:string>");
    auto reader = (*formats::format_by_name("csv"))
                      ->open_reader(io::local_file_system(), dir.file("src.csv"), ro);
    ASSERT_TRUE(reader.ok()) << reader.status();
    std::string out = dir.file(std::string("f.") + name);
    auto writer =
        (*formats::format_by_name(name))->open_writer(io::local_file_system(), out, ro.schema, {});
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (;;) {
      auto batch = (*reader)->next();
      ASSERT_TRUE(batch.ok()) << batch.status();
      if (!*batch) break;
      ASSERT_TRUE((*writer)->write(**batch).ok());
    }
    ASSERT_TRUE((*writer)->close().ok());
    Classification c = classify_path(out);
    EXPECT_EQ(c.classification, name) << c.reason;
    EXPECT_EQ(c.record_count, 50) << name << ": " << c.reason;
  }
}

TEST(RecordCount, CsvAndJsonBeyondTheSampleAreScaled) {
  TempDir dir;
  std::string csv = "id,name,value\n", json;
  for (int i = 0; i < 120000; ++i) {
    csv += std::to_string(i % 1000) + ",name" + std::to_string(i % 100) + "," +
           std::to_string(i % 7) + ".5\n";
    json += R"({"id":)" + std::to_string(i % 1000) + R"(,"name":"n)" + std::to_string(i % 100) +
            "\"}\n";
  }
  write_text(dir.file("big.csv"), csv);
  write_text(dir.file("big.json"), json);
  for (const char* name : {"big.csv", "big.json"}) {
    Classification c = classify_path(dir.file(name));
    EXPECT_NEAR(static_cast<double>(c.record_count), 120000.0, 120000.0 * 0.05)
        << name << ": " << c.reason;
    EXPECT_GT(c.average_record_size, 0) << name;
  }
  write_text(dir.file("small.csv"), "id,name\n1,a\n2,b\n3,c\n");
  EXPECT_EQ(classify_path(dir.file("small.csv")).record_count, 3);
}

}  // namespace
}  // namespace mortar::crawler
