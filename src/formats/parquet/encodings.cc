#include "formats/parquet/encodings.h"

#include <cstring>

namespace mortar::formats::parquet {

int bit_width_for(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

namespace {

inline uint64_t load64(const uint8_t* in, size_t in_size, size_t byte) {
  uint64_t v = 0;
  if (byte + 8 <= in_size) {
    std::memcpy(&v, in + byte, 8);
  } else if (byte < in_size) {
    std::memcpy(&v, in + byte, in_size - byte);
  }
  return v;
}

bool read_uvarint(std::string_view data, size_t* pos, uint64_t* out) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= data.size()) return false;
    uint8_t b = static_cast<uint8_t>(data[(*pos)++]);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = result;
      return true;
    }
  }
  return false;
}

bool read_zigzag(std::string_view data, size_t* pos, int64_t* out) {
  uint64_t v;
  if (!read_uvarint(data, pos, &v)) return false;
  *out = static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  return true;
}

void put_uvarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void put_zigzag(std::string* out, int64_t v) {
  put_uvarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

// Appends `count` values of bit_width bits, LSB first: bits gather in a
// 64-bit word that is stored whole (dictionary indices are mostly literals,
// so this runs for nearly every value of a dictionary-encoded column).
void pack_bits(std::string* out, const uint64_t* values, int64_t count, int bit_width) {
  const size_t start = out->size();
  const size_t total = (static_cast<uint64_t>(count) * bit_width + 7) / 8;
  out->resize(start + total, 0);
  if (bit_width == 0) return;
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  uint64_t acc = 0;
  int bits = 0;  // pending in acc
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t v = values[i] & mask;
    acc |= v << bits;
    bits += bit_width;
    if (bits >= 64) {
      std::memcpy(dst, &acc, 8);
      dst += 8;
      bits -= 64;
      acc = bits ? v >> (bit_width - bits) : 0;
    }
  }
  if (bits) std::memcpy(dst, &acc, static_cast<size_t>((bits + 7) / 8));
}

}  // namespace

void unpack_bits32(const uint8_t* in, size_t in_size, int bit_width, uint32_t* out, int64_t count) {
  if (bit_width == 0) {
    std::memset(out, 0, count * sizeof(uint32_t));
    return;
  }
  const uint64_t mask = (uint64_t{1} << bit_width) - 1;
  if (bit_width == 1 && count % 8 == 0 && static_cast<size_t>(count / 8) <= in_size) {
    for (int64_t i = 0; i < count; i += 8) {
      uint8_t b = in[i >> 3];
      for (int k = 0; k < 8; ++k) out[i + k] = (b >> k) & 1;
    }
    return;
  }
  uint64_t bit = 0;
  for (int64_t i = 0; i < count; ++i, bit += bit_width) {
    out[i] = static_cast<uint32_t>((load64(in, in_size, bit >> 3) >> (bit & 7)) & mask);
  }
}

void unpack_bits64(const uint8_t* in, size_t in_size, int bit_width, uint64_t* out, int64_t count) {
  if (bit_width == 0) {
    std::memset(out, 0, count * sizeof(uint64_t));
    return;
  }
  uint64_t bit = 0;
  for (int64_t i = 0; i < count; ++i, bit += bit_width) {
    size_t byte = bit >> 3;
    int shift = bit & 7;
    uint64_t v = load64(in, in_size, byte) >> shift;
    if (bit_width + shift > 64) {
      uint64_t hi = byte + 8 < in_size ? in[byte + 8] : 0;
      v |= hi << (64 - shift);
    }
    if (bit_width < 64) v &= (uint64_t{1} << bit_width) - 1;
    out[i] = v;
  }
}

// ------------------------------------------------------------ RLE hybrid --

bool RleDecoder::next_run() {
  uint64_t header;
  do {  // zero-length RLE runs are skipped (a loop: no recursion on hostile input)
    if (!read_uvarint(data_, &pos_, &header)) return false;
  } while (header == 0);
  if (header & 1) {
    uint64_t groups = header >> 1;
    size_t bytes = groups * bit_width_;  // groups * 8 values * width / 8
    if (groups == 0 || groups > data_.size() || bytes > data_.size() - pos_) {
      // Writers may truncate the final group; clamp to what is there.
      if (groups == 0) return false;
      literal_left_ = static_cast<int64_t>(std::min<uint64_t>(
          groups * 8, bit_width_ ? (data_.size() - pos_) * 8 / bit_width_ : groups * 8));
      literal_pos_bits_ = pos_ * 8;
      pos_ = data_.size();
      return literal_left_ > 0;
    }
    literal_left_ = static_cast<int64_t>(groups * 8);
    literal_pos_bits_ = pos_ * 8;
    pos_ += bytes;
  } else {
    repeat_left_ = static_cast<int64_t>(header >> 1);
    int nbytes = (bit_width_ + 7) / 8;
    if (static_cast<size_t>(nbytes) > data_.size() - pos_) {
      status_ = invalid_input("RLE run past the end of the data");
      return false;
    }
    uint32_t v = 0;
    std::memcpy(&v, data_.data() + pos_, nbytes);
    pos_ += nbytes;
    repeat_value_ = v;
  }
  return true;
}

int64_t RleDecoder::get_batch(uint32_t* out, int64_t n) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    status_ = invalid_input("bad RLE bit width " + std::to_string(bit_width_));
    return 0;
  }
  int64_t done = 0;
  while (done < n) {
    if (repeat_left_ > 0) {
      int64_t k = std::min(repeat_left_, n - done);
      std::fill(out + done, out + done + k, repeat_value_);
      repeat_left_ -= k;
      done += k;
    } else if (literal_left_ > 0) {
      int64_t k = std::min(literal_left_, n - done);
      const uint8_t* base = reinterpret_cast<const uint8_t*>(data_.data());
      size_t byte = literal_pos_bits_ >> 3;
      // literal runs start byte-aligned and groups of 8 stay aligned
      if ((literal_pos_bits_ & 7) == 0 && k % 8 == 0) {
        unpack_bits32(base + byte, data_.size() - byte, bit_width_, out + done, k);
      } else {
        const uint64_t mask = bit_width_ ? ((uint64_t{1} << bit_width_) - 1) : 0;
        size_t bit = literal_pos_bits_;
        for (int64_t i = 0; i < k; ++i, bit += bit_width_) {
          uint64_t v = 0;
          size_t b = bit >> 3;
          if (b + 8 <= data_.size()) std::memcpy(&v, base + b, 8);
          else if (b < data_.size()) std::memcpy(&v, base + b, data_.size() - b);
          out[done + i] = static_cast<uint32_t>((v >> (bit & 7)) & mask);
        }
      }
      literal_pos_bits_ += k * bit_width_;
      literal_left_ -= k;
      done += k;
    } else if (!next_run()) {
      break;
    }
  }
  return done;
}

std::string rle_encode(const uint32_t* values, int64_t n, int bit_width) {
  std::string out;
  std::vector<uint64_t> literals;
  auto flush_literals = [&] {
    if (literals.empty()) return;
    put_uvarint(&out, (literals.size() / 8) << 1 | 1);
    pack_bits(&out, literals.data(), literals.size(), bit_width);
    literals.clear();
  };
  int nbytes = (bit_width + 7) / 8;
  int64_t i = 0;
  while (i < n) {
    int64_t j = i + 1;
    while (j < n && values[j] == values[i]) ++j;
    if (j - i >= 8) {
      flush_literals();
      put_uvarint(&out, static_cast<uint64_t>(j - i) << 1);
      uint32_t v = values[i];
      out.append(reinterpret_cast<const char*>(&v), nbytes);
      i = j;
    } else {
      for (int k = 0; k < 8; ++k) literals.push_back(i + k < n ? values[i + k] : 0);
      i += 8;
    }
  }
  flush_literals();
  return out;
}

std::string rle_encode_run(uint32_t value, int64_t n, int bit_width) {
  std::string out;
  if (n <= 0) return out;
  put_uvarint(&out, static_cast<uint64_t>(n) << 1);
  out.append(reinterpret_cast<const char*>(&value), (bit_width + 7) / 8);
  return out;
}

// --------------------------------------------------------------- delta ----

Status delta_binary_decode(std::string_view data, int64_t max_values, std::vector<int64_t>* out,
                           size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size, miniblocks, total;
  int64_t first;
  if (!read_uvarint(data, &pos, &block_size) || !read_uvarint(data, &pos, &miniblocks) ||
      !read_uvarint(data, &pos, &total) || !read_zigzag(data, &pos, &first)) {
    return invalid_input("truncated DELTA_BINARY_PACKED header");
  }
  if (block_size == 0 || block_size % 128 != 0 || miniblocks == 0 || block_size % miniblocks != 0 ||
      (block_size / miniblocks) % 32 != 0 || block_size > (1u << 20)) {
    return invalid_input("bad DELTA_BINARY_PACKED block size " + std::to_string(block_size) + "/" +
                         std::to_string(miniblocks));
  }
  if (total > static_cast<uint64_t>(max_values)) {
    return invalid_input("DELTA_BINARY_PACKED claims " + std::to_string(total) +
                         " values, the page holds " + std::to_string(max_values));
  }
  size_t base = out->size();
  out->resize(base + total);
  int64_t* dst = out->data() + base;
  if (total == 0) {
    *consumed = pos;
    return ok_status();
  }
  uint64_t per_mini = block_size / miniblocks;
  std::vector<uint64_t> tmp(per_mini);
  uint64_t last = static_cast<uint64_t>(first);
  dst[0] = first;
  uint64_t got = 1;
  while (got < total) {
    int64_t min_delta;
    if (!read_zigzag(data, &pos, &min_delta)) return invalid_input("truncated DELTA_BINARY_PACKED block");
    if (miniblocks > data.size() - pos) return invalid_input("truncated DELTA_BINARY_PACKED block");
    const uint8_t* widths = reinterpret_cast<const uint8_t*>(data.data() + pos);
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && got < total; ++m) {
      int w = widths[m];
      if (w > 64) return invalid_input("bad DELTA_BINARY_PACKED bit width " + std::to_string(w));
      size_t bytes = per_mini * w / 8;
      if (bytes > data.size() - pos) return invalid_input("truncated DELTA_BINARY_PACKED miniblock");
      unpack_bits64(reinterpret_cast<const uint8_t*>(data.data() + pos), bytes, w, tmp.data(),
                    per_mini);
      pos += bytes;
      uint64_t take = std::min<uint64_t>(per_mini, total - got);
      for (uint64_t k = 0; k < take; ++k) {
        last += static_cast<uint64_t>(min_delta) + tmp[k];  // wrapping, as the spec says
        dst[got++] = static_cast<int64_t>(last);
      }
    }
  }
  *consumed = pos;
  return ok_status();
}

std::string delta_binary_encode(const int64_t* values, int64_t n) {
  constexpr int kBlock = 128, kMini = 4, kPerMini = kBlock / kMini;
  std::string out;
  put_uvarint(&out, kBlock);
  put_uvarint(&out, kMini);
  put_uvarint(&out, n);
  put_zigzag(&out, n ? values[0] : 0);
  std::vector<uint64_t> deltas;
  for (int64_t i = 1; i < n; i += kBlock) {
    int64_t cnt = std::min<int64_t>(kBlock, n - i);
    deltas.assign(kBlock, 0);
    int64_t min_delta = INT64_MAX;
    for (int64_t k = 0; k < cnt; ++k) {
      int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i + k]) - static_cast<uint64_t>(values[i + k - 1]));
      deltas[k] = static_cast<uint64_t>(d);
      min_delta = std::min(min_delta, d);
    }
    for (int64_t k = 0; k < cnt; ++k) deltas[k] -= static_cast<uint64_t>(min_delta);
    put_zigzag(&out, min_delta);
    int widths[kMini];
    for (int m = 0; m < kMini; ++m) {
      uint64_t mx = 0;
      for (int k = m * kPerMini; k < (m + 1) * kPerMini && k < cnt; ++k) mx |= deltas[k];
      widths[m] = m * kPerMini < cnt ? bit_width_for(mx) : 0;
      out.push_back(static_cast<char>(widths[m]));
    }
    for (int m = 0; m < kMini && m * kPerMini < cnt; ++m) {
      pack_bits(&out, deltas.data() + m * kPerMini, kPerMini, widths[m]);
    }
  }
  return out;
}

Status delta_length_byte_array_decode(std::string_view data, int64_t num_values,
                                      std::vector<int64_t>* offsets, std::vector<char>* out) {
  std::vector<int64_t> lengths;
  size_t consumed = 0;
  MORTAR_RETURN_IF_ERROR(delta_binary_decode(data, num_values, &lengths, &consumed));
  size_t pos = consumed;
  int64_t total = 0;
  for (int64_t len : lengths) {
    if (len < 0 || static_cast<uint64_t>(len) > data.size()) return invalid_input("bad byte array length");
    total += len;
  }
  if (static_cast<uint64_t>(total) > data.size() - pos) {
    return invalid_input("DELTA_LENGTH_BYTE_ARRAY data shorter than its lengths");
  }
  size_t base = out->size();
  out->resize(base + total);
  if (total > 0) std::memcpy(out->data() + base, data.data() + pos, total);
  int64_t off = static_cast<int64_t>(base);
  for (int64_t len : lengths) {
    off += len;
    offsets->push_back(off);
  }
  return ok_status();
}

Status delta_byte_array_decode(std::string_view data, int64_t num_values,
                               std::vector<int64_t>* offsets, std::vector<char>* out) {
  std::vector<int64_t> prefixes;
  size_t consumed = 0;
  MORTAR_RETURN_IF_ERROR(delta_binary_decode(data, num_values, &prefixes, &consumed));
  std::vector<int64_t> suffix_offsets{0};
  std::vector<char> suffixes;
  MORTAR_RETURN_IF_ERROR(delta_length_byte_array_decode(data.substr(consumed), num_values,
                                                        &suffix_offsets, &suffixes));
  if (suffix_offsets.size() - 1 != prefixes.size()) {
    return invalid_input("DELTA_BYTE_ARRAY prefix and suffix counts differ");
  }
  int64_t prev_start = -1, prev_len = 0;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    int64_t p = prefixes[i];
    if (p < 0 || p > prev_len) return invalid_input("DELTA_BYTE_ARRAY prefix longer than the previous value");
    int64_t start = static_cast<int64_t>(out->size());
    if (p > 0) {
      // copy from the previous value (may overlap the buffer's growth: index)
      for (int64_t k = 0; k < p; ++k) out->push_back((*out)[prev_start + k]);
    }
    int64_t slen = suffix_offsets[i + 1] - suffix_offsets[i];
    out->insert(out->end(), suffixes.begin() + suffix_offsets[i], suffixes.begin() + suffix_offsets[i] + slen);
    prev_start = start;
    prev_len = p + slen;
    offsets->push_back(static_cast<int64_t>(out->size()));
  }
  return ok_status();
}

void byte_stream_split_decode(std::string_view data, int width, char* out) {
  size_t n = data.size() / width;
  for (int k = 0; k < width; ++k) {
    const char* src = data.data() + k * n;
    for (size_t i = 0; i < n; ++i) out[i * width + k] = src[i];
  }
}

void put_u32(std::string* out, uint32_t v) {
  const char bytes[4] = {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                         static_cast<char>(v >> 24)};
  out->append(bytes, 4);
}

}  // namespace mortar::formats::parquet
