// Converting a leaf's physical Parquet values into Mortar's representation
// (types/column.h): what every value encoding in column_reader.cc ends with.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/parquet/schema.h"

namespace mortar::formats::parquet {

// Dense values in the Mortar representation: fixed-width values, or
// offsets + data for strings/binary.
struct DenseValues {
  int width = 0;  // bytes per fixed-width value; 0 for byte strings
  int64_t count = 0;
  std::vector<char> values;
  std::vector<int64_t> offsets{0};
  std::vector<char> data;
};

// Byte width of a leaf's Mortar values (0 for byte strings).
int target_width(const FieldNode& leaf);
// Byte width of a leaf's physical values (0 for BYTE_ARRAY).
int physical_width(const FieldNode& leaf);

// Appends `n` fixed-width physical values, converted.
Status append_fixed(const FieldNode& leaf, const char* phys, int64_t n, DenseValues* out);
// Appends one BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY value, converted.
Status append_bytes(const FieldNode& leaf, std::string_view v, DenseValues* out);
// Appends every value of an offsets + data run of byte strings.
Status append_byte_strings(const FieldNode& leaf, const std::vector<int64_t>& offsets,
                           const std::vector<char>& data, DenseValues* out);
// Appends dict[idx[i]] for i < n; an index past the dictionary is an error.
Status gather_dictionary(const DenseValues& dict, const uint32_t* idx, int64_t n,
                         DenseValues* out);

// Decodes `n` PLAIN values of the leaf's physical type from `data` into
// `out` (converted); `consumed` gets the bytes used. For tests and the
// dictionary page.
Status decode_plain(const FieldNode& leaf, std::string_view data, int64_t n, DenseValues* out,
                    size_t* consumed);

}  // namespace mortar::formats::parquet
