// Avro writer -> reader round trips (every type with nulls, nesting, choice,
// codecs, 0 rows, many blocks, projection) and schema/type mapping of
// hand-built files.
#include <gtest/gtest.h>

#include "formats/avro/avro_format.h"
#include "formats/avro/avro_reader.h"
#include "formats/testing_util.h"
#include "types/json_text.h"

namespace mortar::formats::avro {
namespace {

using formats::testing::read_all;
using formats::testing::TempDir;
using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

Status write_file(const std::string& path, const RecordBatch& batch, Options opts = {}) {
  WriteOptions wo;
  wo.format_options = std::move(opts);
  MORTAR_ASSIGN_OR_RETURN(auto w, avro_format().open_writer(io::local_file_system(), path, batch.schema(), wo));
  MORTAR_RETURN_IF_ERROR(w->write(batch));
  return w->close();
}

std::string joined(const std::vector<std::string>& rows) {
  std::string out;
  for (const auto& r : rows) out += r + "\n";
  return out;
}

std::unique_ptr<RecordBatch> primitives(int64_t rows) {
  TypePtr schema = DataType::structure({
      {"b", DataType::boolean()}, {"i32", DataType::int32()}, {"i64", DataType::bigint()},
      {"f", DataType::float32()}, {"d", DataType::float64()}, {"dec", DataType::decimal(38, 4)},
      {"s", DataType::string()},  {"bin", DataType::binary()}, {"date", DataType::date()},
      {"ts", DataType::timestamp()}, {"n", DataType::null()}});
  auto batch = RecordBatch::make_empty(schema);
  for (int64_t r = 0; r < rows; ++r) {
    bool null = r % 3 == 2;
    auto add = [&](int c, auto fn) {
      if (null) {
        batch->column(c).append_null();
      } else {
        fn(batch->column(c));
      }
    };
    add(0, [&](Column& c) { c.append_bool(r % 2); });
    add(1, [&](Column& c) { c.append_int(r == 0 ? INT32_MIN : r * 7); });
    add(2, [&](Column& c) { c.append_int(r == 0 ? INT64_MIN : (r == 1 ? INT64_MAX : -r * 1000003)); });
    add(3, [&](Column& c) { c.append_double(r * 0.5f); });
    add(4, [&](Column& c) { c.append_double(r == 1 ? -1e300 : r / 3.0); });
    add(5, [&](Column& c) {
      types::int128 v = r == 0 ? -(static_cast<types::int128>(1) << 120) : static_cast<types::int128>(r) * 12345 - 99999;
      c.append_decimal(v);
    });
    add(6, [&](Column& c) { c.append_string(r == 0 ? "" : "héllo " + std::to_string(r)); });
    add(7, [&](Column& c) { c.append_string(std::string("\0\xff", 2) + std::to_string(r)); });
    add(8, [&](Column& c) { c.append_int(r - 20000); });
    add(9, [&](Column& c) { c.append_timestamp(r * 1234567890123LL - 5); });
    batch->column(10).append_null();
  }
  batch->set_num_rows(rows);
  return batch;
}

class AvroCodecTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AvroCodecTest, PrimitivesWithNullsRoundTrip) {
  TempDir dir;
  auto batch = primitives(50);
  std::string path = dir.file("p.avro");
  ASSERT_TRUE(write_file(path, *batch, {{"compression", GetParam()}}).ok());
  auto result = read_all(avro_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), batch->schema()->to_string());
  EXPECT_EQ(joined(result.rows), types::to_json_lines(*batch));
}

INSTANTIATE_TEST_SUITE_P(Codecs, AvroCodecTest,
                         ::testing::Values("none", "deflate", "snappy", "zstd"));

TEST(AvroRoundTrip, NestedArraysMapsStructsWithNulls) {
  TypePtr inner = DataType::structure({{"a", DataType::int32()},
                                       {"m", DataType::map(DataType::string(), DataType::float64())}});
  TypePtr schema = DataType::structure({{"items", DataType::array(inner)},
                                        {"tags", DataType::array(DataType::string())}});
  auto batch = RecordBatch::make_empty(schema);
  Column& items = batch->column(0);
  Column& tags = batch->column(1);
  // row 0: two structs, the second null; tags ["x", null]
  Column& st = items.child(0);
  st.child(0).append_int(1);
  st.child(1).child(0).append_string("k");
  st.child(1).child(1).append_double(2.5);
  st.child(1).child(0).append_string("z");
  st.child(1).child(1).append_null();
  st.child(1).append_list_length(2);
  st.append_struct_row();
  st.append_null();
  items.append_list_length(2);
  tags.child(0).append_string("x");
  tags.child(0).append_null();
  tags.append_list_length(2);
  // row 1: null array, empty tags
  items.append_null();
  tags.append_list_length(0);
  batch->set_num_rows(2);
  ASSERT_TRUE(batch->validate().ok());
  TempDir dir;
  std::string path = dir.file("n.avro");
  ASSERT_TRUE(write_file(path, *batch, {{"compression", "deflate"}}).ok());
  auto result = read_all(avro_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), schema->to_string());
  EXPECT_EQ(joined(result.rows), types::to_json_lines(*batch));
  EXPECT_EQ(result.rows[0], R"({"items":[{"a":1,"m":{"k":2.5,"z":null}},null],"tags":["x",null]})");
}

TEST(AvroRoundTrip, ChoiceBecomesUnionAndBack) {
  TypePtr schema = DataType::structure({{"c", DataType::choice({DataType::bigint(), DataType::string()})}});
  auto batch = RecordBatch::make_empty(schema);
  Column& c = batch->column(0);
  c.child(0).append_int(42);
  c.append_choice_row(0);
  c.child(1).append_string("forty-two");
  c.append_choice_row(1);
  c.append_null();
  batch->set_num_rows(3);
  TempDir dir;
  std::string path = dir.file("c.avro");
  ASSERT_TRUE(write_file(path, *batch).ok());
  auto result = read_all(avro_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), schema->to_string());
  EXPECT_EQ(joined(result.rows), "{\"c\":42}\n{\"c\":\"forty-two\"}\n{\"c\":null}\n");
}

TEST(AvroRoundTrip, ZeroRowsKeepsTheSchema) {
  auto batch = primitives(0);
  TempDir dir;
  std::string path = dir.file("z.avro");
  ASSERT_TRUE(write_file(path, *batch, {{"compression", "snappy"}}).ok());
  auto result = read_all(avro_format(), path);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), batch->schema()->to_string());
  EXPECT_TRUE(result.rows.empty());
}

TEST(AvroRoundTrip, ManyBlocksStreamInBatchesAndProjection) {
  TypePtr schema = DataType::structure({{"id", DataType::bigint()}, {"s", DataType::string()}});
  auto batch = RecordBatch::make_empty(schema);
  const int64_t rows = 150000;  // > 2 blocks of 64k rows
  for (int64_t r = 0; r < rows; ++r) {
    batch->column(0).append_int(r);
    batch->column(1).append_string("v" + std::to_string(r));
  }
  batch->set_num_rows(rows);
  TempDir dir;
  std::string path = dir.file("m.avro");
  ASSERT_TRUE(write_file(path, *batch, {{"compression", "zstd"}}).ok());
  ReadOptions ro;
  ro.batch_rows = 40000;
  ro.columns = {"s"};
  auto result = read_all(avro_format(), path, ro);
  ASSERT_TRUE(result.status.ok()) << result.status;
  EXPECT_EQ(result.schema->to_string(), "struct<s:string>");
  ASSERT_EQ(result.rows.size(), static_cast<size_t>(rows));
  EXPECT_EQ(result.rows[149999], R"({"s":"v149999"})");
  EXPECT_EQ(result.batch_sizes, (std::vector<int64_t>{40000, 40000, 40000, 30000}));
  ro.columns = {"nope"};
  EXPECT_FALSE(read_all(avro_format(), path, ro).status.ok());
}

TEST(AvroWriter, RejectsNonStringMapKeysAndUnknownCodecs) {
  TypePtr schema = DataType::structure({{"m", DataType::map(DataType::int32(), DataType::int32())}});
  TempDir dir;
  WriteOptions wo;
  auto w = avro_format().open_writer(io::local_file_system(), dir.file("k.avro"), schema, wo);
  EXPECT_FALSE(w.ok());
  wo.format_options["compression"] = "lzma";
  auto w2 = avro_format().open_writer(io::local_file_system(), dir.file("k2.avro"), primitives(0)->schema(), wo);
  EXPECT_FALSE(w2.ok());
}

}  // namespace
}  // namespace mortar::formats::avro
