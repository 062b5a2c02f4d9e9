// Copies for gathers (a partition's rows, a column writer's values): every
// value is copied on its own, and a memcpy call per value costs more than
// the copy. These use fixed-size copies the compiler inlines.
#pragma once

#include <cstdint>
#include <cstring>

namespace mortar {

// Copies n bytes; values of up to 16 bytes take two overlapping fixed-size
// copies (or a byte loop under 4), longer ones one memcpy.
inline void copy_value_bytes(char* dst, const char* src, int64_t n) {
  if (n > 16) {
    std::memcpy(dst, src, static_cast<size_t>(n));
  } else if (n >= 8) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

// dst[i] = the W-byte value at from[rows[i]], for i < n.
template <int W>
void gather_fixed(char* dst, const char* from, const int64_t* rows, int64_t n) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * W, from + rows[i] * W, W);
}

}  // namespace mortar
