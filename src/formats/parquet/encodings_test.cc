#include "formats/parquet/encodings.h"

#include <gtest/gtest.h>

#include <climits>
#include <random>

namespace mortar::formats::parquet {
namespace {

TEST(Encodings, BitWidth) {
  EXPECT_EQ(bit_width_for(0), 0);
  EXPECT_EQ(bit_width_for(1), 1);
  EXPECT_EQ(bit_width_for(7), 3);
  EXPECT_EQ(bit_width_for(8), 4);
  EXPECT_EQ(bit_width_for(UINT64_MAX), 64);
}

TEST(Encodings, RleHybridRoundTripsRunsAndLiterals) {
  std::mt19937 rng(42);
  for (int bw : {1, 2, 3, 7, 8, 13, 20, 32}) {
    for (int64_t n : {0, 1, 7, 8, 9, 100, 1001}) {
      std::vector<uint32_t> v(n);
      uint64_t mask = bw == 32 ? 0xffffffffu : (1u << bw) - 1;
      for (int64_t i = 0; i < n; ++i) {
        // mix long runs and noise
        v[i] = (i / 50) % 2 ? static_cast<uint32_t>(rng() & mask) : static_cast<uint32_t>((i / 50) & mask);
      }
      std::string enc = rle_encode(v.data(), n, bw);
      RleDecoder dec(enc, bw);
      std::vector<uint32_t> out(n + 5, 12345);
      EXPECT_EQ(dec.get_batch(out.data(), n), n) << bw << " " << n;
      ASSERT_TRUE(dec.status().ok());
      out.resize(n);
      EXPECT_EQ(out, v) << "bit width " << bw << ", " << n << " values";
    }
  }
}

TEST(Encodings, RleDecodesTheSpecExample) {
  // From the Parquet spec: bit-packed 0..7 with bit width 3 is 0x88 0xC6 0xFA,
  // preceded by the header (1 group << 1 | 1) = 3; then an RLE run of 5 x 4.
  std::string data = "\x03\x88\xC6\xFA\x0A\x04";
  RleDecoder dec(data, 3);
  std::vector<uint32_t> out(13);
  EXPECT_EQ(dec.get_batch(out.data(), 13), 13);
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 4, 4, 4, 4, 4}));
}

TEST(Encodings, RleOnTruncatedInputStopsWithoutReadingPastTheEnd) {
  std::vector<uint32_t> v(1000);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint32_t>(i * 7 % 31);
  std::string enc = rle_encode(v.data(), 1000, 5);
  for (size_t cut = 0; cut < enc.size(); cut += 7) {
    std::string part = enc.substr(0, cut);  // exact-size heap buffer: ASan sees over-reads
    RleDecoder dec(part, 5);
    std::vector<uint32_t> out(1000);
    EXPECT_LT(dec.get_batch(out.data(), 1000), 1000);
  }
}

TEST(Encodings, DeltaBinaryPackedRoundTripsIncludingOverflow) {
  std::mt19937_64 rng(7);
  std::vector<std::vector<int64_t>> cases = {
      {},
      {42},
      {1, 2, 3, 4, 5},
      {INT64_MAX, INT64_MIN, 0, INT64_MAX, -1},  // deltas wrap around
  };
  std::vector<int64_t> big(1000);
  for (auto& x : big) x = static_cast<int64_t>(rng() >> (rng() % 64));
  cases.push_back(big);
  std::vector<int64_t> seq(300);
  for (size_t i = 0; i < seq.size(); ++i) seq[i] = 1000 - static_cast<int64_t>(i) * 3;
  cases.push_back(seq);
  for (const auto& c : cases) {
    std::string enc = delta_binary_encode(c.data(), static_cast<int64_t>(c.size()));
    std::vector<int64_t> out;
    size_t consumed = 0;
    ASSERT_TRUE(delta_binary_decode(enc, 1 << 20, &out, &consumed).ok());
    EXPECT_EQ(out, c);
    EXPECT_EQ(consumed, enc.size());
  }
}

TEST(Encodings, DeltaBinaryPackedRejectsBadHeaders) {
  std::vector<int64_t> out;
  size_t consumed;
  EXPECT_FALSE(delta_binary_decode("", 10, &out, &consumed).ok());
  // block size 100 is not a multiple of 128
  EXPECT_FALSE(delta_binary_decode("\x64\x04\x01\x00", 10, &out, &consumed).ok());
  // claims more values than the page may hold
  std::vector<int64_t> v(50, 3);
  std::string enc = delta_binary_encode(v.data(), 50);
  EXPECT_FALSE(delta_binary_decode(enc, 10, &out, &consumed).ok());
  // truncated miniblocks
  std::vector<int64_t> r(200);
  for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<int64_t>(i * i * 977);
  enc = delta_binary_encode(r.data(), 200);
  EXPECT_FALSE(delta_binary_decode(enc.substr(0, enc.size() - 5), 1000, &out, &consumed).ok());
}

TEST(Encodings, DeltaLengthAndDeltaByteArray) {
  std::vector<int64_t> lengths = {5, 0, 3};
  std::string enc = delta_binary_encode(lengths.data(), 3) + "helloabc";
  std::vector<int64_t> offsets{0};
  std::vector<char> data;
  ASSERT_TRUE(delta_length_byte_array_decode(enc, 3, &offsets, &data).ok());
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 5, 5, 8}));
  EXPECT_EQ(std::string(data.begin(), data.end()), "helloabc");

  // The spec's example: axis, axle, babble, babyhood.
  std::vector<int64_t> prefixes = {0, 2, 0, 3};
  std::vector<int64_t> suffix_lengths = {4, 2, 6, 5};
  enc = delta_binary_encode(prefixes.data(), 4) + delta_binary_encode(suffix_lengths.data(), 4) +
        "axislebabbleyhood";
  offsets = {0};
  data.clear();
  ASSERT_TRUE(delta_byte_array_decode(enc, 4, &offsets, &data).ok());
  std::string all(data.begin(), data.end());
  EXPECT_EQ(all, "axisaxlebabblebabyhood");
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 4, 8, 14, 22}));

  // A prefix longer than the previous value is corrupt.
  prefixes = {0, 9};
  suffix_lengths = {1, 1};
  enc = delta_binary_encode(prefixes.data(), 2) + delta_binary_encode(suffix_lengths.data(), 2) + "ab";
  offsets = {0};
  data.clear();
  EXPECT_FALSE(delta_byte_array_decode(enc, 2, &offsets, &data).ok());
}

TEST(Encodings, ByteStreamSplit) {
  // two 4-byte values: 0x04030201 and 0x08070605, split into byte streams
  std::string data = "\x01\x05\x02\x06\x03\x07\x04\x08";
  char out[8];
  byte_stream_split_decode(data, 4, out);
  uint32_t v[2];
  std::memcpy(v, out, 8);
  EXPECT_EQ(v[0], 0x04030201u);
  EXPECT_EQ(v[1], 0x08070605u);
}

TEST(Encodings, UnpackBitsWide) {
  std::vector<uint64_t> vals = {0, UINT64_MAX, 0x123456789abcdefULL, 1};
  for (int bw : {57, 63, 64}) {
    uint64_t mask = bw == 64 ? UINT64_MAX : (uint64_t{1} << bw) - 1;
    std::string packed((vals.size() * bw + 7) / 8, '\0');
    uint64_t bit = 0;
    for (uint64_t v : vals) {
      for (int b = 0; b < bw; ++b, ++bit) {
        if ((v & mask) >> b & 1) packed[bit / 8] |= static_cast<char>(1 << (bit % 8));
      }
    }
    std::vector<uint64_t> out(vals.size());
    unpack_bits64(reinterpret_cast<const uint8_t*>(packed.data()), packed.size(), bw, out.data(), vals.size());
    for (size_t i = 0; i < vals.size(); ++i) EXPECT_EQ(out[i], vals[i] & mask) << bw;
  }
}

}  // namespace
}  // namespace mortar::formats::parquet
