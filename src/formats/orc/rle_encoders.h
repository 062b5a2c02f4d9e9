// ORC's run-length encodings, writing side, over whole per-stripe value
// lists: byte RLE, boolean RLE and integer RLE v2 (SHORT_REPEAT for short
// repeats, DELTA for long repeats and constant steps, DIRECT otherwise;
// PATCHED_BASE is not produced).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mortar::formats::orc {

void encode_byte_rle(const uint8_t* values, size_t n, std::string* out);
// One byte (0/1) per value in; bits MSB first.
void encode_boolean_rle(const uint8_t* values, size_t n, std::string* out);
void encode_int_rle_v2(const int64_t* values, size_t n, bool is_signed, std::string* out);

// The 5-bit code of a DIRECT bit width (one decode_bit_width() produces).
int encode_bit_width(int bits);

}  // namespace mortar::formats::orc
