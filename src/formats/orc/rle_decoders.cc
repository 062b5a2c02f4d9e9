#include "formats/orc/rle_decoders.h"

#include <string>

namespace mortar::formats::orc {

namespace {

Status truncated(size_t pos) {
  return invalid_input("stream ends inside a run at offset " + std::to_string(pos));
}

int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Byte cursor shared by the integer decoders.
struct Cursor {
  std::string_view data;
  size_t pos = 0;

  bool at_end() const { return pos >= data.size(); }
  Status byte(uint8_t* b) {
    if (pos >= data.size()) return truncated(pos);
    *b = static_cast<uint8_t>(data[pos++]);
    return ok_status();
  }
  Status varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      MORTAR_RETURN_IF_ERROR(byte(&b));
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *out = v;
        return ok_status();
      }
    }
    return invalid_input("varint longer than 10 bytes at offset " + std::to_string(pos));
  }
  // `bytes` big-endian bytes.
  Status big_endian(int bytes, uint64_t* out) {
    if (data.size() - pos < static_cast<size_t>(bytes)) return truncated(pos);
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(data[pos++]);
    *out = v;
    return ok_status();
  }
  // `count` values of `width` bits, packed MSB first; the run ends byte-aligned.
  Status unpack(int width, int64_t count, uint64_t* out) {
    if (width == 0) {
      for (int64_t i = 0; i < count; ++i) out[i] = 0;
      return ok_status();
    }
    uint64_t total_bits = static_cast<uint64_t>(width) * static_cast<uint64_t>(count);
    if ((total_bits + 7) / 8 > data.size() - pos) return truncated(pos);
    uint32_t current = 0;
    int bits = 0;
    for (int64_t i = 0; i < count; ++i) {
      uint64_t v = 0;
      int need = width;
      while (need > 0) {
        if (bits == 0) {
          current = static_cast<uint8_t>(data[pos++]);
          bits = 8;
        }
        int take = need < bits ? need : bits;
        v = (v << take) | ((current >> (bits - take)) & ((1u << take) - 1));
        bits -= take;
        need -= take;
      }
      out[i] = v;
    }
    return ok_status();
  }
};

class IntRleV1 : public IntDecoder {
 public:
  IntRleV1(std::string_view data, bool is_signed) : in_{data}, signed_(is_signed) {}

  Status next(int64_t* out, int64_t n) override {
    for (int64_t i = 0; i < n;) {
      if (remaining_ == 0) MORTAR_RETURN_IF_ERROR(start_run());
      if (literal_) {
        uint64_t v = 0;
        MORTAR_RETURN_IF_ERROR(in_.varint(&v));
        out[i++] = signed_ ? unzigzag(v) : static_cast<int64_t>(v);
        --remaining_;
      } else {
        int64_t take = std::min<int64_t>(remaining_, n - i);
        for (int64_t k = 0; k < take; ++k) {
          out[i++] = static_cast<int64_t>(value_);
          value_ += static_cast<uint64_t>(delta_);
        }
        remaining_ -= static_cast<int>(take);
      }
    }
    return ok_status();
  }

 private:
  Status start_run() {
    uint8_t h = 0;
    if (in_.at_end())
      return invalid_input("integer stream ended (offset " + std::to_string(in_.pos) + ")");
    MORTAR_RETURN_IF_ERROR(in_.byte(&h));
    if (h < 0x80) {
      uint8_t d = 0;
      MORTAR_RETURN_IF_ERROR(in_.byte(&d));
      uint64_t v = 0;
      MORTAR_RETURN_IF_ERROR(in_.varint(&v));
      literal_ = false;
      remaining_ = h + 3;
      delta_ = static_cast<int8_t>(d);
      value_ = signed_ ? static_cast<uint64_t>(unzigzag(v)) : v;
    } else {
      literal_ = true;
      remaining_ = 256 - h;
    }
    return ok_status();
  }

  Cursor in_;
  bool signed_;
  int remaining_ = 0;
  bool literal_ = false;
  int64_t delta_ = 0;
  uint64_t value_ = 0;  // unsigned: runs may wrap without UB
};

class IntRleV2 : public IntDecoder {
 public:
  IntRleV2(std::string_view data, bool is_signed) : in_{data}, signed_(is_signed) {}

  Status next(int64_t* out, int64_t n) override {
    for (int64_t i = 0; i < n;) {
      if (used_ == run_.size()) {
        if (in_.at_end())
          return invalid_input("integer stream ended (offset " + std::to_string(in_.pos) + ")");
        run_.clear();
        used_ = 0;
        size_t at = in_.pos;
        Status s = read_run();
        if (!s.ok()) return annotate(s, "RLEv2 run at offset " + std::to_string(at));
      }
      size_t take = std::min<size_t>(run_.size() - used_, static_cast<size_t>(n - i));
      for (size_t k = 0; k < take; ++k) out[i++] = run_[used_++];
    }
    return ok_status();
  }

 private:
  Status read_run() {
    uint8_t h = 0;
    MORTAR_RETURN_IF_ERROR(in_.byte(&h));
    switch (h >> 6) {
      case 0:
        return short_repeat(h);
      case 1:
        return direct(h);
      case 2:
        return patched_base(h);
      default:
        return delta(h);
    }
  }

  Status short_repeat(uint8_t h) {
    int width = ((h >> 3) & 7) + 1;
    int count = (h & 7) + 3;
    uint64_t v = 0;
    MORTAR_RETURN_IF_ERROR(in_.big_endian(width, &v));
    int64_t value = signed_ ? unzigzag(v) : static_cast<int64_t>(v);
    run_.assign(count, value);
    return ok_status();
  }

  Status direct(uint8_t h) {
    int width = decode_bit_width((h >> 1) & 0x1F);
    uint8_t low = 0;
    MORTAR_RETURN_IF_ERROR(in_.byte(&low));
    int count = (((h & 1) << 8) | low) + 1;
    scratch_.resize(count);
    MORTAR_RETURN_IF_ERROR(in_.unpack(width, count, scratch_.data()));
    run_.resize(count);
    for (int i = 0; i < count; ++i)
      run_[i] = signed_ ? unzigzag(scratch_[i]) : static_cast<int64_t>(scratch_[i]);
    return ok_status();
  }

  Status patched_base(uint8_t h) {
    int width = decode_bit_width((h >> 1) & 0x1F);
    uint8_t b1 = 0, b2 = 0, b3 = 0;
    MORTAR_RETURN_IF_ERROR(in_.byte(&b1));
    MORTAR_RETURN_IF_ERROR(in_.byte(&b2));
    MORTAR_RETURN_IF_ERROR(in_.byte(&b3));
    int count = (((h & 1) << 8) | b1) + 1;
    int base_bytes = ((b2 >> 5) & 7) + 1;
    int patch_width = decode_bit_width(b2 & 0x1F);
    int gap_width = ((b3 >> 5) & 7) + 1;
    int patch_count = b3 & 0x1F;
    if (patch_width + gap_width > 64) return invalid_input("patch and gap widths exceed 64 bits");
    if (width >= 64 && patch_count > 0) return invalid_input("patched values wider than 64 bits");
    uint64_t raw_base = 0;
    MORTAR_RETURN_IF_ERROR(in_.big_endian(base_bytes, &raw_base));
    // The base is sign-magnitude: the top bit of its bytes is the sign.
    uint64_t sign_bit = uint64_t{1} << (base_bytes * 8 - 1);
    int64_t base = static_cast<int64_t>(raw_base & ~sign_bit);
    if (raw_base & sign_bit) base = -base;
    scratch_.resize(count);
    MORTAR_RETURN_IF_ERROR(in_.unpack(width, count, scratch_.data()));
    patches_.resize(patch_count);
    int entry_width = closest_fixed_bits(patch_width + gap_width);
    MORTAR_RETURN_IF_ERROR(in_.unpack(entry_width, patch_count, patches_.data()));
    uint64_t patch_mask = patch_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << patch_width) - 1;
    int64_t position = 0;
    for (int p = 0; p < patch_count; ++p) {
      uint64_t gap = patch_width >= 64 ? 0 : patches_[p] >> patch_width;
      uint64_t patch = patches_[p] & patch_mask;
      position += static_cast<int64_t>(gap);
      if (position >= count)
        return invalid_input("patch position " + std::to_string(position) + " past the run");
      scratch_[position] |= patch << width;
    }
    run_.resize(count);
    for (int i = 0; i < count; ++i)
      run_[i] = static_cast<int64_t>(static_cast<uint64_t>(base) + scratch_[i]);
    return ok_status();
  }

  Status delta(uint8_t h) {
    int code = (h >> 1) & 0x1F;
    int width = code == 0 ? 0 : decode_bit_width(code);
    uint8_t low = 0;
    MORTAR_RETURN_IF_ERROR(in_.byte(&low));
    int count = (((h & 1) << 8) | low) + 1;
    uint64_t v = 0;
    MORTAR_RETURN_IF_ERROR(in_.varint(&v));
    uint64_t value = signed_ ? static_cast<uint64_t>(unzigzag(v)) : v;
    MORTAR_RETURN_IF_ERROR(in_.varint(&v));
    int64_t delta_base = unzigzag(v);
    run_.resize(count);
    run_[0] = static_cast<int64_t>(value);
    if (width == 0) {
      for (int i = 1; i < count; ++i) {
        value += static_cast<uint64_t>(delta_base);
        run_[i] = static_cast<int64_t>(value);
      }
      return ok_status();
    }
    if (count < 2) return ok_status();
    value += static_cast<uint64_t>(delta_base);
    run_[1] = static_cast<int64_t>(value);
    scratch_.resize(count - 2);
    MORTAR_RETURN_IF_ERROR(in_.unpack(width, count - 2, scratch_.data()));
    for (int i = 2; i < count; ++i) {
      value = delta_base < 0 ? value - scratch_[i - 2] : value + scratch_[i - 2];
      run_[i] = static_cast<int64_t>(value);
    }
    return ok_status();
  }

  Cursor in_;
  bool signed_;
  std::vector<int64_t> run_;
  size_t used_ = 0;
  std::vector<uint64_t> scratch_, patches_;
};

}  // namespace

int decode_bit_width(int code) {
  if (code <= 23) return code + 1;
  static constexpr int kWide[] = {26, 28, 30, 32, 40, 48, 56, 64};
  return kWide[(code - 24) & 7];
}

int closest_fixed_bits(int bits) {
  if (bits <= 1) return 1;
  if (bits <= 24) return bits;
  for (int w : {26, 28, 30, 32, 40, 48, 56}) {
    if (bits <= w) return w;
  }
  return 64;
}

Status ByteRleDecoder::next(uint8_t* out, int64_t n) {
  for (int64_t i = 0; i < n;) {
    if (remaining_ == 0) {
      if (pos_ >= data_.size())
        return invalid_input("byte stream ended (offset " + std::to_string(pos_) + ")");
      uint8_t h = static_cast<uint8_t>(data_[pos_++]);
      if (h < 0x80) {
        if (pos_ >= data_.size()) return truncated(pos_);
        literal_ = false;
        remaining_ = h + 3;
        value_ = static_cast<uint8_t>(data_[pos_++]);
      } else {
        literal_ = true;
        remaining_ = 256 - h;
      }
    }
    int64_t take = std::min<int64_t>(remaining_, n - i);
    if (literal_) {
      if (data_.size() - pos_ < static_cast<size_t>(take)) return truncated(pos_);
      for (int64_t k = 0; k < take; ++k) out[i++] = static_cast<uint8_t>(data_[pos_++]);
    } else {
      for (int64_t k = 0; k < take; ++k) out[i++] = value_;
    }
    remaining_ -= static_cast<int>(take);
  }
  return ok_status();
}

Status BooleanDecoder::next(uint8_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (bits_left_ == 0) {
      MORTAR_RETURN_IF_ERROR(bytes_.next(&current_, 1));
      bits_left_ = 8;
    }
    --bits_left_;
    out[i] = (current_ >> bits_left_) & 1;
  }
  return ok_status();
}

std::unique_ptr<IntDecoder> make_int_decoder(std::string_view data, bool is_signed, bool v2) {
  if (v2) return std::make_unique<IntRleV2>(data, is_signed);
  return std::make_unique<IntRleV1>(data, is_signed);
}

}  // namespace mortar::formats::orc
