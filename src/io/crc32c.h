// CRC-32C (Castagnoli), as the snappy framing format (and others: ORC, S3
// checksums) use it. Uses SSE4.2 when the CPU has it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mortar::io {

// Extends `crc` (0 to start) over data.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(std::string_view data) { return crc32c_extend(0, data.data(), data.size()); }

// The snappy framing format's masked CRC: rotate right 15, add a constant.
inline uint32_t crc32c_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

}  // namespace mortar::io
