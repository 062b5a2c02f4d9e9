// Parquet value and level encodings: bit unpacking, the RLE/bit-packed
// hybrid (levels, dictionary indices, booleans), DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT decoders,
// plus the encoders the writer (and the tests) use. Decoders work in bulk
// and never read past their input: malformed input yields an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::formats::parquet {

// Bits needed to represent `max_value` (0 for 0).
int bit_width_for(uint64_t max_value);
// Appends v as 4 little-endian bytes (PLAIN BYTE_ARRAY lengths, level lengths).
void put_u32(std::string* out, uint32_t v);

// Unpacks `count` values of `bit_width` bits (LSB-first) from `in` (which
// holds `in_size` bytes; missing bytes read as zero).
void unpack_bits32(const uint8_t* in, size_t in_size, int bit_width, uint32_t* out, int64_t count);
void unpack_bits64(const uint8_t* in, size_t in_size, int bit_width, uint64_t* out, int64_t count);

// The RLE/bit-packed hybrid decoder over one buffer (no length prefix).
class RleDecoder {
 public:
  RleDecoder(std::string_view data, int bit_width) : data_(data), bit_width_(bit_width) {}
  // Decodes up to n values; returns how many (fewer only at the end of the
  // data). Sets an error on malformed runs.
  int64_t get_batch(uint32_t* out, int64_t n);
  const Status& status() const { return status_; }

 private:
  bool next_run();

  std::string_view data_;
  size_t pos_ = 0;
  int bit_width_;
  int64_t repeat_left_ = 0;
  uint32_t repeat_value_ = 0;
  int64_t literal_left_ = 0;
  size_t literal_pos_bits_ = 0;  // bit position of the next literal
  Status status_;
};

// Encodes values with the hybrid (RLE runs of >= 8, else bit-packed groups).
std::string rle_encode(const uint32_t* values, int64_t n, int bit_width);
// The same for `n` copies of one value: a single RLE run.
std::string rle_encode_run(uint32_t value, int64_t n, int bit_width);

// DELTA_BINARY_PACKED: decodes all values of a page section; `consumed`
// receives the encoded length (the data of DELTA_LENGTH_BYTE_ARRAY follows).
Status delta_binary_decode(std::string_view data, int64_t max_values, std::vector<int64_t>* out,
                           size_t* consumed);
std::string delta_binary_encode(const int64_t* values, int64_t n);

// DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY: appends the byte strings to
// `offsets` (int64, starting at data->size()) and `data`.
Status delta_length_byte_array_decode(std::string_view data, int64_t num_values,
                                      std::vector<int64_t>* offsets, std::vector<char>* out);
Status delta_byte_array_decode(std::string_view data, int64_t num_values,
                               std::vector<int64_t>* offsets, std::vector<char>* out);

// BYTE_STREAM_SPLIT for `width`-byte values: n = data.size() / width values.
void byte_stream_split_decode(std::string_view data, int width, char* out);

}  // namespace mortar::formats::parquet
