// ORC's run-length encodings on hand-computed bytes (the examples of the ORC
// specification, plus signed and batch-boundary cases).
#include "formats/orc/rle_decoders.h"

#include <gtest/gtest.h>

namespace mortar::formats::orc {
namespace {

std::string octets(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

std::vector<int64_t> ints(const std::string& data, bool is_signed, bool v2, int64_t n) {
  std::vector<int64_t> out(n);
  auto d = make_int_decoder(data, is_signed, v2);
  Status s = d->next(out.data(), n);
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

TEST(ByteRleTest, RunsAndLiterals) {
  std::string data = octets({0x61, 0x00, 0xfe, 0x44, 0x45});  // 100 zeros, then literals 0x44 0x45
  ByteRleDecoder d(data);
  std::vector<uint8_t> out(102);
  ASSERT_TRUE(d.next(out.data(), 60).ok());
  ASSERT_TRUE(d.next(out.data() + 60, 42).ok());  // across the run and into the literals
  for (int i = 0; i < 100; ++i) ASSERT_EQ(out[i], 0);
  EXPECT_EQ(out[100], 0x44);
  EXPECT_EQ(out[101], 0x45);
  uint8_t more;
  EXPECT_FALSE(d.next(&more, 1).ok());  // the stream is exhausted
}

TEST(ByteRleTest, TruncatedLiteralIsAnError) {
  std::string data = octets({0xfd, 0x01});  // 3 literals, 1 present
  ByteRleDecoder d(data);
  std::vector<uint8_t> out(3);
  EXPECT_FALSE(d.next(out.data(), 3).ok());
}

TEST(BooleanRleTest, BitsMsbFirst) {
  std::string data = octets({0xff, 0x80});  // one literal byte 0b10000000
  BooleanDecoder d(data);
  std::vector<uint8_t> out(8);
  ASSERT_TRUE(d.next(out.data(), 3).ok());
  ASSERT_TRUE(d.next(out.data() + 3, 5).ok());
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(IntRleV1Test, RunsDeltasAndLiterals) {
  std::vector<int64_t> sevens = ints(octets({0x61, 0x00, 0x07}), false, false, 100);
  EXPECT_EQ(sevens, std::vector<int64_t>(100, 7));
  std::vector<int64_t> down = ints(octets({0x61, 0xff, 0x64}), false, false, 100);
  EXPECT_EQ(down[0], 100);
  EXPECT_EQ(down[99], 1);
  EXPECT_EQ(ints(octets({0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b}), false, false, 5),
            (std::vector<int64_t>{2, 3, 6, 7, 11}));
  // Signed: zigzag literals -1, 1, -64.
  EXPECT_EQ(ints(octets({0xfd, 0x01, 0x02, 0x7f}), true, false, 3),
            (std::vector<int64_t>{-1, 1, -64}));
}

TEST(IntRleV2Test, ShortRepeat) {
  EXPECT_EQ(ints(octets({0x0a, 0x27, 0x10}), false, true, 5), std::vector<int64_t>(5, 10000));
  EXPECT_EQ(ints(octets({0x00, 0x03}), true, true, 3), std::vector<int64_t>(3, -2));
}

TEST(IntRleV2Test, Direct) {
  EXPECT_EQ(
      ints(octets({0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef}), false, true, 4),
      (std::vector<int64_t>{23713, 43806, 57005, 48879}));
}

TEST(IntRleV2Test, PatchedBase) {
  std::string data =
      octets({0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70, 0x28, 0x32, 0x3c, 0x46,
             0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82, 0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8});
  EXPECT_EQ(ints(data, false, true, 20),
            (std::vector<int64_t>{2030, 2000, 2020, 1000000, 2040, 2050, 2060, 2070, 2080, 2090,
                                  2100, 2110, 2120, 2130,    2140, 2150, 2160, 2170, 2180, 2190}));
}

TEST(IntRleV2Test, Delta) {
  std::string data = octets({0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46});
  EXPECT_EQ(ints(data, false, true, 10),
            (std::vector<int64_t>{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}));
  // Fixed delta (width 0), signed: base -1 (zigzag 1), delta -2 (zigzag 3), 4 values.
  EXPECT_EQ(ints(octets({0xc0, 0x03, 0x01, 0x03}), true, true, 4),
            (std::vector<int64_t>{-1, -3, -5, -7}));
}

TEST(IntRleV2Test, ReadsAcrossRunsInSmallSteps) {
  std::string data = octets({0x0a, 0x27, 0x10, 0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46});
  auto d = make_int_decoder(data, false, true);
  std::vector<int64_t> out;
  for (int i = 0; i < 5; ++i) {
    int64_t v[3];
    ASSERT_TRUE(d->next(v, 3).ok());
    out.insert(out.end(), v, v + 3);
  }
  EXPECT_EQ(out, (std::vector<int64_t>{10000, 10000, 10000, 10000, 10000, 2, 3, 5, 7, 11, 13, 17,
                                       19, 23, 29}));
  int64_t v;
  EXPECT_FALSE(d->next(&v, 1).ok());
}

TEST(IntRleV2Test, CorruptRunsAreErrors) {
  int64_t out[600];
  // DIRECT of 4 16-bit values with only 2 bytes of data.
  EXPECT_FALSE(make_int_decoder(octets({0x5e, 0x03, 0x5c, 0xa1}), false, true)->next(out, 4).ok());
  // PATCHED_BASE whose patch gap points past the run: gap width 8, the
  // 20-bit patch entry 0xfce80 has gap 252 in a run of 20 values.
  std::string bad = octets({0x8e, 0x13, 0x2b, 0xe1, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70,
                           0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a, 0x64, 0x6e, 0x78, 0x82,
                           0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8, 0x00});
  EXPECT_FALSE(make_int_decoder(bad, false, true)->next(out, 20).ok());
  // Every truncation of a valid DELTA run fails cleanly.
  std::string delta = octets({0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46});
  for (size_t n = 0; n < delta.size(); ++n) {
    EXPECT_FALSE(make_int_decoder(delta.substr(0, n), false, true)->next(out, 10).ok()) << n;
  }
}

TEST(IntRleV2Test, BitWidthCodes) {
  EXPECT_EQ(decode_bit_width(0), 1);
  EXPECT_EQ(decode_bit_width(23), 24);
  EXPECT_EQ(decode_bit_width(24), 26);
  EXPECT_EQ(decode_bit_width(31), 64);
  EXPECT_EQ(closest_fixed_bits(0), 1);
  EXPECT_EQ(closest_fixed_bits(25), 26);
  EXPECT_EQ(closest_fixed_bits(33), 40);
  EXPECT_EQ(closest_fixed_bits(57), 64);
}

}  // namespace
}  // namespace mortar::formats::orc
