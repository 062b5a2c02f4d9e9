#include "formats/orc/rle_encoders.h"

#include "formats/orc/rle_decoders.h"

namespace mortar::formats::orc {

namespace {

constexpr size_t kMaxRun = 512;

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

void put_varint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

int bits_needed(uint64_t v) { return v == 0 ? 1 : 64 - __builtin_clzll(v); }

// Length of the run of equal values at values[i] (at most kMaxRun).
size_t repeat_run(const int64_t* v, size_t n, size_t i) {
  size_t j = i + 1;
  while (j < n && j - i < kMaxRun && v[j] == v[i]) ++j;
  return j - i;
}

// Length of the run with one constant step at values[i] (at most kMaxRun).
size_t delta_run(const int64_t* v, size_t n, size_t i, int64_t* step) {
  if (i + 1 >= n) return 1;
  if (__builtin_sub_overflow(v[i + 1], v[i], step)) return 1;
  size_t j = i + 2;
  int64_t d;
  while (j < n && j - i < kMaxRun && !__builtin_sub_overflow(v[j], v[j - 1], &d) && d == *step) ++j;
  return j - i;
}

void header_with_length(int encoding, int code, size_t len, std::string* out) {
  size_t l = len - 1;
  out->push_back(static_cast<char>((encoding << 6) | (code << 1) | ((l >> 8) & 1)));
  out->push_back(static_cast<char>(l & 0xFF));
}

void short_repeat(int64_t value, size_t count, bool is_signed, std::string* out) {
  uint64_t u = is_signed ? zigzag(value) : static_cast<uint64_t>(value);
  int width = (bits_needed(u) + 7) / 8;
  out->push_back(static_cast<char>(((width - 1) << 3) | (count - 3)));
  for (int b = width - 1; b >= 0; --b) out->push_back(static_cast<char>((u >> (8 * b)) & 0xFF));
}

void fixed_delta(int64_t base, int64_t step, size_t count, bool is_signed, std::string* out) {
  header_with_length(3, 0, count, out);
  put_varint(is_signed ? zigzag(base) : static_cast<uint64_t>(base), out);
  put_varint(zigzag(step), out);
}

void direct(const int64_t* v, size_t count, bool is_signed, std::string* out) {
  uint64_t all = 0;
  for (size_t i = 0; i < count; ++i) all |= is_signed ? zigzag(v[i]) : static_cast<uint64_t>(v[i]);
  int width = closest_fixed_bits(bits_needed(all));
  header_with_length(1, encode_bit_width(width), count, out);
  uint64_t acc = 0;  // pending bits, MSB first
  int pending = 0;
  for (size_t i = 0; i < count; ++i) {
    uint64_t u = is_signed ? zigzag(v[i]) : static_cast<uint64_t>(v[i]);
    int left = width;
    while (left > 0) {
      int take = std::min(left, 8 - pending);
      uint64_t bits = (u >> (left - take)) & ((uint64_t{1} << take) - 1);
      acc = (acc << take) | bits;
      pending += take;
      left -= take;
      if (pending == 8) {
        out->push_back(static_cast<char>(acc));
        acc = 0;
        pending = 0;
      }
    }
  }
  if (pending) out->push_back(static_cast<char>(acc << (8 - pending)));
}

}  // namespace

int encode_bit_width(int bits) {
  if (bits <= 24) return bits - 1;
  switch (bits) {
    case 26:
      return 24;
    case 28:
      return 25;
    case 30:
      return 26;
    case 32:
      return 27;
    case 40:
      return 28;
    case 48:
      return 29;
    case 56:
      return 30;
    default:
      return 31;
  }
}

void encode_byte_rle(const uint8_t* v, size_t n, std::string* out) {
  size_t i = 0;
  while (i < n) {
    size_t j = i + 1;
    while (j < n && j - i < 130 && v[j] == v[i]) ++j;
    if (j - i >= 3) {
      out->push_back(static_cast<char>(j - i - 3));
      out->push_back(static_cast<char>(v[i]));
      i = j;
      continue;
    }
    size_t start = i;
    while (i < n && i - start < 128) {
      if (i + 2 < n && v[i] == v[i + 1] && v[i] == v[i + 2]) break;
      ++i;
    }
    out->push_back(static_cast<char>(256 - (i - start)));
    out->append(reinterpret_cast<const char*>(v + start), i - start);
  }
}

void encode_boolean_rle(const uint8_t* values, size_t n, std::string* out) {
  std::vector<uint8_t> bytes((n + 7) / 8, 0);
  for (size_t i = 0; i < n; ++i) {
    if (values[i]) bytes[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
  }
  encode_byte_rle(bytes.data(), bytes.size(), out);
}

void encode_int_rle_v2(const int64_t* v, size_t n, bool is_signed, std::string* out) {
  size_t i = 0;
  while (i < n) {
    size_t repeats = repeat_run(v, n, i);
    if (repeats >= 3 && repeats <= 10) {
      short_repeat(v[i], repeats, is_signed, out);
      i += repeats;
      continue;
    }
    int64_t step = 0;
    size_t steps = repeats > 10 ? repeats : delta_run(v, n, i, &step);
    // Unsigned streams need a non-negative base; the step may be negative.
    if (steps >= 3 && (is_signed || v[i] >= 0)) {
      fixed_delta(v[i], repeats > 10 ? 0 : step, steps, is_signed, out);
      i += steps;
      continue;
    }
    // Literals up to the next run of three equal values.
    size_t start = i;
    while (i < n && i - start < kMaxRun) {
      if (i > start && i + 2 < n && v[i] == v[i + 1] && v[i] == v[i + 2]) break;
      ++i;
    }
    direct(v + start, i - start, is_signed, out);
  }
}

}  // namespace mortar::formats::orc
