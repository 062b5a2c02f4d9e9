#include "formats/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include "formats/parquet/parquet_metadata.h"

namespace mortar::formats::parquet {
namespace {

TEST(ThriftCompact, RoundTripsScalarsAndNesting) {
  ThriftWriter w;
  w.begin_struct();
  w.field_i32(1, -5);
  w.field_i64(3, int64_t{1} << 40);
  w.field_binary(20, "hello");  // long delta: explicit field id
  w.field_bool(21, true);
  w.field_header(22, TType::kStruct);
  w.begin_struct();
  w.field_i32(1, 7);
  w.end_struct();
  w.field_i32(23, 9);  // delta is relative to 22 again after the inner struct
  w.end_struct();

  ThriftReader r(w.buffer());
  r.begin_struct();
  int16_t id;
  TType t;
  ASSERT_TRUE(r.read_field_header(&id, &t));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.read_i32(), -5);
  ASSERT_TRUE(r.read_field_header(&id, &t));
  EXPECT_EQ(id, 3);
  EXPECT_EQ(r.read_i64(), int64_t{1} << 40);
  ASSERT_TRUE(r.read_field_header(&id, &t));
  EXPECT_EQ(id, 20);
  EXPECT_EQ(r.read_binary(), "hello");
  ASSERT_TRUE(r.read_field_header(&id, &t));
  EXPECT_EQ(id, 21);
  EXPECT_EQ(t, TType::kBoolTrue);
  ASSERT_TRUE(r.read_field_header(&id, &t));
  EXPECT_EQ(id, 22);
  r.skip(t);
  ASSERT_TRUE(r.read_field_header(&id, &t));
  EXPECT_EQ(id, 23);
  EXPECT_EQ(r.read_i32(), 9);
  EXPECT_FALSE(r.read_field_header(&id, &t));
  EXPECT_TRUE(r.ok());
}

TEST(ThriftCompact, TruncatedAndHostileInputFailCleanly) {
  ThriftWriter w;
  w.begin_struct();
  w.field_binary(1, std::string(100, 'x'));
  w.end_struct();
  std::string buf = w.buffer();
  for (size_t cut = 0; cut < buf.size(); ++cut) {
    ThriftReader r(std::string_view(buf).substr(0, cut));
    r.skip(TType::kStruct);
    EXPECT_FALSE(r.ok()) << cut;
  }
  // A list claiming 2^40 elements in a 10-byte buffer.
  std::string huge = "\x19\xf5\x80\x80\x80\x80\x80\x20";
  ThriftReader r(huge);
  r.skip(TType::kStruct);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds"), std::string::npos);
  // Deep nesting is refused, not a stack overflow.
  std::string deep(10000, '\x1c');
  ThriftReader d(deep);
  d.skip(TType::kStruct);
  EXPECT_FALSE(d.ok());
}

TEST(ParquetMetadata, FileMetaDataRoundTrips) {
  FileMetaData md;
  md.num_rows = 3;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  SchemaElement col;
  col.name = "ts";
  col.type = PhysicalType::kInt64;
  col.repetition = Repetition::kOptional;
  col.logical.kind = LogicalType::kTimestamp;
  col.logical.unit = TimeUnit::kNanos;
  col.logical.adjusted_to_utc = true;
  md.schema = {root, col};
  RowGroup rg;
  rg.num_rows = 3;
  ColumnChunk cc;
  ColumnMetaData m;
  m.type = PhysicalType::kInt64;
  m.path_in_schema = {"ts"};
  m.encodings = {Encoding::kPlain, Encoding::kRle};
  m.codec = CompressionCodec::kZstd;
  m.num_values = 3;
  m.data_page_offset = 4;
  Statistics st;
  st.null_count = 1;
  st.min_value = std::string("\x01\0\0\0\0\0\0\0", 8);
  m.statistics = st;
  cc.meta_data = m;
  rg.columns.push_back(cc);
  md.row_groups.push_back(rg);
  md.key_value_metadata.push_back({"k", std::string("v")});
  md.created_by = "mortar";
  auto back = parse_file_metadata(serialize_file_metadata(md));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->num_rows, 3);
  ASSERT_EQ(back->schema.size(), 2u);
  EXPECT_EQ(back->schema[1].name, "ts");
  EXPECT_EQ(back->schema[1].logical.kind, LogicalType::kTimestamp);
  EXPECT_EQ(back->schema[1].logical.unit, TimeUnit::kNanos);
  EXPECT_TRUE(back->schema[1].logical.adjusted_to_utc);
  const ColumnMetaData& bm = *back->row_groups[0].columns[0].meta_data;
  EXPECT_EQ(bm.codec, CompressionCodec::kZstd);
  EXPECT_EQ(bm.path_in_schema, std::vector<std::string>{"ts"});
  EXPECT_EQ(bm.statistics->null_count, 1);
  EXPECT_EQ(*bm.statistics->min_value, st.min_value);
  EXPECT_EQ(back->key_value_metadata[0].value, "v");
  EXPECT_EQ(back->created_by, "mortar");
}

TEST(ParquetMetadata, PageHeaderRoundTripsAndReportsLength) {
  PageHeader h;
  h.type = PageType::kDataPageV2;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 50;
  DataPageHeaderV2 v2;
  v2.num_values = 10;
  v2.num_rows = 10;
  v2.encoding = Encoding::kDeltaBinaryPacked;
  v2.definition_levels_byte_length = 3;
  v2.is_compressed = false;
  h.data_page_v2 = v2;
  std::string bytes = serialize_page_header(h) + "trailing";
  size_t consumed = 0;
  auto back = parse_page_header(bytes, &consumed);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(consumed, bytes.size() - 8);
  EXPECT_EQ(back->data_page_v2->encoding, Encoding::kDeltaBinaryPacked);
  EXPECT_FALSE(back->data_page_v2->is_compressed);
  EXPECT_EQ(back->data_page_v2->definition_levels_byte_length, 3);
}

}  // namespace
}  // namespace mortar::formats::parquet
