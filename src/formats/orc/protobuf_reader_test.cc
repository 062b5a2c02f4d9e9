// The protobuf wire decoder and the ORC messages over it, on hand-assembled bytes.
#include "formats/orc/protobuf_reader.h"

#include <gtest/gtest.h>

#include "formats/orc/orc_metadata.h"

namespace mortar::formats::orc {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

// A PostScript: footerLength 42, ZLIB, block size 262144, version [0, 12],
// metadataLength 7, an unknown fixed32 field 99, magic "ORC" (field 8000).
const std::string kPostScript =
    bytes({0x08, 0x2a, 0x10, 0x01, 0x18, 0x80, 0x80, 0x10, 0x22, 0x02, 0x00, 0x0c, 0x28, 0x07,
           0x9d, 0x06, 1,    2,    3,    4,    0x82, 0xf4, 0x03, 0x03, 'O',  'R',  'C'});

TEST(ProtoReaderTest, VarintsZigzagAndFixed) {
  std::string in = bytes({0xac, 0x02, 0x03, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0x01});
  ProtoReader r(in);
  EXPECT_EQ(r.read_varint(), 300u);
  EXPECT_EQ(r.read_sint64(), -2);
  EXPECT_EQ(r.read_fixed32(), 1u);
  EXPECT_EQ(r.read_varint(), UINT64_MAX);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
}

TEST(ProtoReaderTest, PackedAndUnpackedRepeated) {
  // field 2 packed [1, 150], then field 2 unpacked 7.
  std::string in = bytes({0x12, 0x03, 0x01, 0x96, 0x01, 0x10, 0x07});
  ProtoReader r(in);
  std::vector<uint64_t> out;
  uint32_t f;
  WireType t;
  while (r.next_field(&f, &t)) {
    ASSERT_EQ(f, 2u);
    r.read_repeated_varint(t, &out);
  }
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(out, (std::vector<uint64_t>{1, 150, 7}));
}

TEST(ProtoReaderTest, TruncatedAndOverlongInputFailWithOffset) {
  // (Readers hold views: the bytes must outlive them.)
  std::string short_varint = bytes({0x80, 0x80});
  ProtoReader a(short_varint);
  a.read_varint();
  EXPECT_FALSE(a.ok());
  EXPECT_NE(std::string(status_message(a.status())).find("truncated varint"), std::string::npos);

  std::string overlong = bytes({0x0a, 0x05, 'a', 'b'});
  ProtoReader b(overlong);  // field 1 claims 5 bytes, 2 remain
  uint32_t f;
  WireType t;
  ASSERT_TRUE(b.next_field(&f, &t));
  b.read_bytes();
  EXPECT_FALSE(b.ok());
  EXPECT_NE(std::string(status_message(b.status())).find("at offset 2"), std::string::npos);

  std::string eleven(11, '\xff');
  ProtoReader c(eleven);
  c.read_varint();
  EXPECT_FALSE(c.ok());

  std::string group = bytes({0x0b});
  ProtoReader d(group);  // field 1, start group: not supported
  EXPECT_FALSE(d.next_field(&f, &t));
  EXPECT_FALSE(d.ok());
}

TEST(OrcMetadataTest, PostScript) {
  auto ps = parse_postscript(kPostScript);
  ASSERT_TRUE(ps.ok()) << ps.status();
  EXPECT_EQ(ps->footer_length, 42u);
  EXPECT_EQ(ps->compression, CompressionKind::kZlib);
  EXPECT_EQ(ps->compression_block_size, 262144u);
  EXPECT_EQ(ps->version, (std::vector<uint64_t>{0, 12}));
  EXPECT_EQ(ps->metadata_length, 7u);
  EXPECT_EQ(ps->magic, "ORC");
  // Every truncation is an error, never a crash.
  for (size_t n = 1; n < kPostScript.size(); ++n) {
    auto cut = parse_postscript(kPostScript.substr(0, n));
    if (n == 2 || n == 4 || n == 8 || n == 12 || n == 14 || n == 20)
      continue;  // ends between fields
    EXPECT_FALSE(cut.ok()) << n;
  }
  EXPECT_FALSE(parse_postscript(bytes({0x10, 0x09})).ok());  // unknown compression
}

TEST(OrcMetadataTest, FooterTypesAndStatistics) {
  // types: struct<x:int> (kind 12, subtypes [1], field "x"), int (kind 3);
  // numberOfRows 5; statistics of column 1: 5 values, int min -3 max 9.
  std::string struct_type = bytes({0x08, 0x0c, 0x12, 0x01, 0x01, 0x1a, 0x01, 'x'});
  std::string int_type = bytes({0x08, 0x03});
  std::string int_stats = bytes({0x08, 0x05, 0x10, 0x12});  // zigzag -3 = 5, 9 = 18
  std::string col_stats = bytes({0x08, 0x05, 0x12, 0x04}) + int_stats;
  std::string footer = bytes({0x22, static_cast<int>(struct_type.size())}) + struct_type +
                       bytes({0x22, static_cast<int>(int_type.size())}) + int_type +
                       bytes({0x30, 0x05}) + bytes({0x3a, 0x00}) +
                       bytes({0x3a, static_cast<int>(col_stats.size())}) + col_stats;
  auto f = parse_footer(footer);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->types.size(), 2u);
  EXPECT_EQ(f->types[0].kind, OrcKind::kStruct);
  EXPECT_EQ(f->types[0].subtypes, (std::vector<uint64_t>{1}));
  EXPECT_EQ(f->types[0].field_names, (std::vector<std::string>{"x"}));
  EXPECT_EQ(f->types[1].kind, OrcKind::kInt);
  EXPECT_EQ(f->number_of_rows, 5u);
  ASSERT_EQ(f->statistics.size(), 2u);
  EXPECT_EQ(f->statistics[1].number_of_values, 5u);
  EXPECT_EQ(f->statistics[1].int_min, -3);
  EXPECT_EQ(f->statistics[1].int_max, 9);
}

TEST(OrcMetadataTest, StripeFooter) {
  // streams: (PRESENT? no) DATA of column 1, 12 bytes; encodings DIRECT, DICTIONARY_V2 size 4; zone
  // "UTC".
  std::string stream = bytes({0x08, 0x01, 0x10, 0x01, 0x18, 0x0c});
  std::string enc0 = bytes({0x08, 0x00});
  std::string enc1 = bytes({0x08, 0x03, 0x10, 0x04});
  std::string sf = bytes({0x0a, 0x06}) + stream + bytes({0x12, 0x02}) + enc0 + bytes({0x12, 0x04}) +
                   enc1 + bytes({0x1a, 0x03, 'U', 'T', 'C'});
  auto f = parse_stripe_footer(sf);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->streams.size(), 1u);
  EXPECT_EQ(f->streams[0].kind, 1u);
  EXPECT_EQ(f->streams[0].column, 1u);
  EXPECT_EQ(f->streams[0].length, 12u);
  ASSERT_EQ(f->columns.size(), 2u);
  EXPECT_EQ(f->columns[1].kind, EncodingKind::kDictionaryV2);
  EXPECT_EQ(f->columns[1].dictionary_size, 4u);
  EXPECT_EQ(f->writer_timezone, "UTC");
  EXPECT_FALSE(parse_stripe_footer(bytes({0x12, 0x02, 0x08, 0x09})).ok());  // unknown encoding
}

}  // namespace
}  // namespace mortar::formats::orc
