#include "formats/csv/csv_writer.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "formats/csv/csv_format.h"
#include "formats/testing_util.h"
#include "io/compression.h"

namespace mortar::formats::csv {
namespace {

using formats::testing::read_all;
using formats::testing::read_text;
using formats::testing::TempDir;
using types::Column;
using types::DataType;
using types::RecordBatch;

std::unique_ptr<RecordBatch> sample_batch() {
  auto schema = DataType::parse(
                    "struct<i:bigint,d:double,s:string,b:boolean,dt:date,ts:timestamp,"
                    "dec:decimal(12,3)>")
                    .value();
  auto batch = RecordBatch::make_empty(schema);
  auto& c = batch->columns();
  // Row 0: ordinary values.
  c[0]->append_int(1);
  c[1]->append_double(1.5);
  c[2]->append_string("plain");
  c[3]->append_bool(true);
  c[4]->append_int(19753);
  c[5]->append_timestamp(1706700000123456);
  c[6]->append_decimal(12345);
  // Row 1: nulls everywhere.
  for (auto& col : c) col->append_null();
  // Row 2: specials.
  c[0]->append_int(std::numeric_limits<int64_t>::min());
  c[1]->append_double(std::numeric_limits<double>::quiet_NaN());
  c[2]->append_string("");
  c[3]->append_bool(false);
  c[4]->append_int(-719162);
  c[5]->append_timestamp(-1);
  c[6]->append_decimal(-5);
  // Row 3: text needing quotes, extremes.
  c[0]->append_int(std::numeric_limits<int64_t>::max());
  c[1]->append_double(-std::numeric_limits<double>::infinity());
  c[2]->append_string("a,\"b\"\nc ünï");
  c[3]->append_bool(true);
  c[4]->append_int(2932896);
  c[5]->append_timestamp(0);
  c[6]->append_decimal(999999999999);
  batch->set_num_rows(4);
  return batch;
}

TEST(CsvWriter, QuotesOnlyWhenNeededAndNullsAreEmpty) {
  TempDir dir;
  std::string path = dir.file("o.csv");
  auto batch = sample_batch();
  auto w = csv_format().open_writer(io::local_file_system(), path, batch->schema(), {});
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  std::string text = read_text(path);
  EXPECT_EQ(text,
            "i,d,s,b,dt,ts,dec\n"
            "1,1.5,plain,true,2024-01-31,2024-01-31 11:20:00.123456,12.345\n"
            ",,,,,,\n"
            "-9223372036854775808,NaN,\"\",false,0001-01-01,1969-12-31 23:59:59.999999,-0.005\n"
            "9223372036854775807,-Infinity,\"a,\"\"b\"\"\nc ünï\",true,9999-12-31,1970-01-01 00:00:00,999999999.999\n");
}

TEST(CsvWriter, RoundTripsThroughTheReader) {
  TempDir dir;
  std::string path = dir.file("rt.csv.gz");
  auto batch = sample_batch();
  WriteOptions wo;
  wo.format_options = {{"compression", "gzip"}, {"separator", ";"}};
  auto w = csv_format().open_writer(io::local_file_system(), path, batch->schema(), wo);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  ReadOptions ro;
  ro.format_options = {{"withHeader", "true"}, {"separator", ";"}};
  ro.schema = batch->schema();
  auto r = read_all(csv_format(), path, ro);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 4u);
  for (int64_t i = 0; i < 4; ++i) {
    std::string want;
    types::append_json_line(want, *batch, i);
    want.pop_back();
    EXPECT_EQ(r.rows[i], want);
  }
  // Inference sees the same types back (doubles keep a decimal point).
  ReadOptions infer;
  infer.format_options = ro.format_options;
  auto r2 = read_all(csv_format(), path, infer);
  ASSERT_TRUE(r2.status.ok()) << r2.status;
  EXPECT_EQ(r2.schema->to_string(),
            "struct<i:bigint,d:double,s:string,b:boolean,dt:date,ts:timestamp,dec:double>");
}

TEST(CsvWriter, NoHeaderNullValueAndZeroRows) {
  TempDir dir;
  std::string path = dir.file("n.csv");
  auto schema = DataType::parse("struct<a:string,b:int>").value();
  auto batch = RecordBatch::make_empty(schema);
  batch->columns()[0]->append_null();
  batch->columns()[1]->append_int(5);
  batch->set_num_rows(1);
  WriteOptions wo;
  wo.format_options = {{"writeHeader", "false"}, {"nullValue", "\\N"}};
  auto w = csv_format().open_writer(io::local_file_system(), path, schema, wo);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_EQ(read_text(path), "\\N,5\n");

  std::string empty = dir.file("e.csv");
  auto w2 = csv_format().open_writer(io::local_file_system(), empty, schema, {});
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE((*w2)->close().ok());
  EXPECT_EQ(read_text(empty), "a,b\n");
  ReadOptions ro;
  ro.format_options = {{"withHeader", "true"}};
  auto r = read_all(csv_format(), empty, ro);
  ASSERT_TRUE(r.status.ok());
  EXPECT_TRUE(r.rows.empty());
}

TEST(CsvWriter, NestedValuesAsJsonText) {
  TempDir dir;
  std::string path = dir.file("nested.csv");
  auto schema = DataType::parse("struct<a:array<int>,m:struct<x:string>>").value();
  auto batch = RecordBatch::make_empty(schema);
  auto& arr = *batch->columns()[0];
  arr.child(0).append_int(1);
  arr.child(0).append_int(2);
  arr.append_list_length(2);
  auto& st = *batch->columns()[1];
  st.child(0).append_string("q\"");
  st.append_struct_row();
  batch->set_num_rows(1);
  auto w = csv_format().open_writer(io::local_file_system(), path, schema, {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_EQ(read_text(path), "a,m\n\"[1,2]\",\"{\"\"x\"\":\"\"q\\\"\"\"\"}\"\n");
}

}  // namespace
}  // namespace mortar::formats::csv
