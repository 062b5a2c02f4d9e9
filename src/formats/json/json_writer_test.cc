#include "formats/json/json_writer.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "formats/json/json_format.h"
#include "formats/testing_util.h"

namespace mortar::formats::json {
namespace {

using formats::testing::read_all;
using formats::testing::read_text;
using formats::testing::TempDir;
using types::DataType;
using types::RecordBatch;

TEST(JsonWriter, WritesJsonLinesThatReadBackIdentically) {
  TempDir dir;
  auto schema = DataType::parse(
                    "struct<i:bigint,d:double,s:string,b:boolean,a:array<struct<x:int>>,"
                    "m:map<string,double>,t:timestamp>")
                    .value();
  auto batch = RecordBatch::make_empty(schema);
  auto& c = batch->columns();
  c[0]->append_int(std::numeric_limits<int64_t>::min());
  c[1]->append_double(1e308);
  c[2]->append_string("quote \" backslash \\ newline \n tab \t 🌍");
  c[3]->append_bool(true);
  c[4]->child(0).child(0).append_int(7);
  c[4]->child(0).append_struct_row();
  c[4]->append_list_length(1);
  c[5]->child(0).append_string("k");
  c[5]->child(1).append_double(-0.5);
  c[5]->append_list_length(1);
  c[6]->append_timestamp(1706700000000000);
  for (auto& col : c) col->append_null();
  batch->set_num_rows(2);

  std::string path = dir.file("o.jsonl.gz");
  WriteOptions wo;
  wo.format_options = {{"compression", "gzip"}};
  auto w = json_format().open_writer(io::local_file_system(), path, schema, wo);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());

  ReadOptions ro;
  ro.schema = schema;
  auto r = read_all(json_format(), path, ro);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.rows.size(), 2u);
  for (int64_t i = 0; i < 2; ++i) {
    std::string want;
    types::append_json_line(want, *batch, i);
    want.pop_back();
    EXPECT_EQ(r.rows[i], want);
  }
}

TEST(JsonWriter, PlainTextLayout) {
  TempDir dir;
  auto schema = DataType::parse("struct<a:int,b:double>").value();
  auto batch = RecordBatch::make_empty(schema);
  batch->columns()[0]->append_int(1);
  batch->columns()[1]->append_double(std::numeric_limits<double>::quiet_NaN());
  batch->set_num_rows(1);
  std::string path = dir.file("o.json");
  auto w = json_format().open_writer(io::local_file_system(), path, schema, {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->write(*batch).ok());
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_EQ(read_text(path), "{\"a\":1,\"b\":\"NaN\"}\n");
}

}  // namespace
}  // namespace mortar::formats::json
