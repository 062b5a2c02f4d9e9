// ORC's run-length encodings, decoded from a whole (decompressed) stream:
// byte RLE, boolean RLE (bits of byte RLE, MSB first), integer RLE v1 and
// v2 (SHORT_REPEAT, DIRECT, PATCHED_BASE, DELTA). Decoders keep their run
// state between calls, so a column is read batch after batch. Every read is
// bounds checked; errors name the offset in the stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::formats::orc {

class ByteRleDecoder {
 public:
  explicit ByteRleDecoder(std::string_view data) : data_(data) {}
  Status next(uint8_t* out, int64_t n);
  size_t position() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  int remaining_ = 0;  // values left in the current run
  bool literal_ = false;
  uint8_t value_ = 0;
};

class BooleanDecoder {
 public:
  explicit BooleanDecoder(std::string_view data) : bytes_(data) {}
  // One byte (0/1) per value.
  Status next(uint8_t* out, int64_t n);

 private:
  ByteRleDecoder bytes_;
  uint8_t current_ = 0;
  int bits_left_ = 0;
};

class IntDecoder {
 public:
  virtual ~IntDecoder() = default;
  virtual Status next(int64_t* out, int64_t n) = 0;
};

// `v2` picks RLE v2 (the *_V2 column encodings), else v1.
std::unique_ptr<IntDecoder> make_int_decoder(std::string_view data, bool is_signed, bool v2);

// RLE v2's 5-bit width codes, and the widths patches are rounded up to.
int decode_bit_width(int code);
int closest_fixed_bits(int bits);

}  // namespace mortar::formats::orc
