#include "formats/avro/avro_decoder.h"

#include <cstring>

namespace mortar::formats::avro {

namespace {
// Elements of zero encoded bytes (nulls, empty records) still cost memory:
// cap them per array/map block.
constexpr int64_t kMaxZeroSizeItems = 1 << 20;
}  // namespace

Status Cursor::error(std::string_view what) const {
  return invalid_input(where_ + " +" + std::to_string(pos_) + ": " + std::string(what));
}

StatusOr<int64_t> Cursor::read_long() {
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (pos_ >= static_cast<int64_t>(data_.size())) return error("truncated varint");
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    if (shift == 63 && (b & 0x7E)) return error("varint overflows 64 bits");
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  return error("varint longer than 10 bytes");
}

StatusOr<std::string_view> Cursor::read_fixed(int64_t n) {
  if (n < 0) return error("negative length " + std::to_string(n));
  if (n > remaining()) {
    return error("length " + std::to_string(n) + " exceeds the " + std::to_string(remaining()) +
                 " bytes left in the block");
  }
  std::string_view out = data_.substr(pos_, n);
  pos_ += n;
  return out;
}

StatusOr<std::string_view> Cursor::read_bytes() {
  MORTAR_ASSIGN_OR_RETURN(int64_t n, read_long());
  return read_fixed(n);
}

namespace {

StatusOr<types::int128> decimal_from_bytes(std::string_view b, Cursor& in) {
  if (b.size() > 16) return in.error("decimal wider than 16 bytes");
  if (b.empty()) return types::int128(0);
  using u128 = unsigned __int128;
  u128 v = (static_cast<uint8_t>(b[0]) & 0x80) ? ~u128(0) : u128(0);
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<types::int128>(v);
}

// Reads an array/map block count; a negative count is followed by a byte size.
StatusOr<int64_t> block_count(Cursor& in, int64_t item_min_size) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n, in.read_long());
  if (n < 0) {
    if (n == INT64_MIN) return in.error("bad block count");
    n = -n;
    MORTAR_ASSIGN_OR_RETURN(int64_t bytes, in.read_long());
    if (bytes < 0 || bytes > in.remaining()) return in.error("bad block byte size");
  }
  if (item_min_size > 0 ? n > in.remaining() / item_min_size : n > kMaxZeroSizeItems) {
    return in.error("item count " + std::to_string(n) + " exceeds what the block can hold");
  }
  return n;
}

}  // namespace

Status decode_value(const AvroNode& node, Cursor& in, types::Column& out, int depth) {
  switch (node.kind) {
    case AvroKind::kNull: out.append_null(); return ok_status();
    case AvroKind::kBoolean: {
      MORTAR_ASSIGN_OR_RETURN(auto b, in.read_fixed(1));
      if (static_cast<uint8_t>(b[0]) > 1) return in.error("boolean byte is not 0 or 1");
      out.append_bool(b[0] != 0);
      return ok_status();
    }
    case AvroKind::kInt: {
      MORTAR_ASSIGN_OR_RETURN(int64_t v, in.read_long());
      if (v < INT32_MIN || v > INT32_MAX) return in.error("int out of 32-bit range");
      out.append_int(v);
      return ok_status();
    }
    case AvroKind::kLong: {
      MORTAR_ASSIGN_OR_RETURN(int64_t v, in.read_long());
      if (node.logical == Logical::kTimestampMillis) {
        if (__builtin_mul_overflow(v, int64_t{1000}, &v)) return in.error("timestamp out of range");
      }
      out.append_int(v);
      return ok_status();
    }
    case AvroKind::kFloat: {
      MORTAR_ASSIGN_OR_RETURN(auto b, in.read_fixed(4));
      float f;
      std::memcpy(&f, b.data(), 4);
      out.append_double(f);
      return ok_status();
    }
    case AvroKind::kDouble: {
      MORTAR_ASSIGN_OR_RETURN(auto b, in.read_fixed(8));
      double d;
      std::memcpy(&d, b.data(), 8);
      out.append_double(d);
      return ok_status();
    }
    case AvroKind::kBytes:
    case AvroKind::kString:
    case AvroKind::kFixed: {
      std::string_view b;
      if (node.kind == AvroKind::kFixed) {
        MORTAR_ASSIGN_OR_RETURN(b, in.read_fixed(node.fixed_size));
      } else {
        MORTAR_ASSIGN_OR_RETURN(b, in.read_bytes());
      }
      if (node.logical == Logical::kDecimal) {
        MORTAR_ASSIGN_OR_RETURN(auto d, decimal_from_bytes(b, in));
        out.append_decimal(d);
      } else {
        out.append_string(b);
      }
      return ok_status();
    }
    case AvroKind::kEnum: {
      MORTAR_ASSIGN_OR_RETURN(int64_t i, in.read_long());
      if (i < 0 || i >= static_cast<int64_t>(node.symbols.size())) {
        return in.error("enum index " + std::to_string(i) + " out of range");
      }
      out.append_string(node.symbols[i]);
      return ok_status();
    }
    case AvroKind::kArray:
    case AvroKind::kMap: {
      const AvroNode& item = *node.children[0];
      int64_t total = 0;
      for (;;) {
        MORTAR_ASSIGN_OR_RETURN(int64_t n, block_count(in, item.min_size + (node.kind == AvroKind::kMap ? 1 : 0)));
        if (n == 0) break;
        for (int64_t i = 0; i < n; ++i) {
          if (node.kind == AvroKind::kMap) {
            MORTAR_ASSIGN_OR_RETURN(auto key, in.read_bytes());
            out.child(0).append_string(key);
            MORTAR_RETURN_IF_ERROR(decode_value(item, in, out.child(1), depth + 1));
          } else {
            MORTAR_RETURN_IF_ERROR(decode_value(item, in, out.child(0), depth + 1));
          }
        }
        total += n;
        if (item.min_size == 0 && total > kMaxZeroSizeItems) {
          return in.error("more than " + std::to_string(kMaxZeroSizeItems) + " empty items in one value");
        }
      }
      out.append_list_length(total);
      return ok_status();
    }
    case AvroKind::kRecord:
      for (size_t i = 0; i < node.children.size(); ++i) {
        MORTAR_RETURN_IF_ERROR(decode_value(*node.children[i], in, out.child(i), depth + 1));
      }
      out.append_struct_row();
      return ok_status();
    case AvroKind::kUnion: {
      MORTAR_ASSIGN_OR_RETURN(int64_t b, in.read_long());
      if (b < 0 || b >= static_cast<int64_t>(node.children.size())) {
        return in.error("union branch " + std::to_string(b) + " out of range");
      }
      const AvroNode& branch = *node.children[b];
      if (branch.kind == AvroKind::kNull) {
        out.append_null();
        return ok_status();
      }
      if (!node.union_is_choice) return decode_value(branch, in, out, depth + 1);
      int alt = node.branch_alternative[b];
      MORTAR_RETURN_IF_ERROR(decode_value(branch, in, out.child(alt), depth + 1));
      out.append_choice_row(alt);
      return ok_status();
    }
  }
  return in.error("unknown node");
}

}  // namespace mortar::formats::avro
