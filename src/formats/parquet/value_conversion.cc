// Physical Parquet values -> Mortar's representation of a leaf: widening,
// decimals from big-endian bytes, INT96 and unit-scaled timestamps, float16,
// dictionary gathers and PLAIN decoding. Split from column_reader.cc, which
// handles pages, levels and encodings.
#include "formats/parquet/value_conversion.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "types/column.h"

namespace mortar::formats::parquet {

using types::TypeKind;
using int128 = __int128;

int physical_width(const FieldNode& leaf) {
  switch (leaf.physical) {
    case PhysicalType::kBoolean: return 1;  // unpacked to one byte per value
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kFixedLenByteArray: return leaf.type_length;
    case PhysicalType::kByteArray: return 0;
  }
  return 0;
}

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

float half_to_float(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

bool big_endian_to_int128(const uint8_t* p, size_t n, int128* out) {
  if (n == 0) {
    *out = 0;
    return true;
  }
  bool neg = p[0] & 0x80;
  size_t skip = 0;
  if (n > 16) {
    skip = n - 16;
    for (size_t i = 0; i < skip; ++i) {
      if (p[i] != (neg ? 0xff : 0x00)) return false;
    }
  }
  unsigned __int128 v = neg ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = skip; i < n; ++i) v = (v << 8) | p[i];
  *out = static_cast<int128>(v);
  return true;
}

double big_endian_to_double(const uint8_t* p, size_t n, int scale) {
  if (n == 0) return 0;
  bool neg = p[0] & 0x80;
  double v = 0;
  for (size_t i = 0; i < n; ++i) v = v * 256 + (neg ? static_cast<uint8_t>(~p[i]) : p[i]);
  if (neg) v = -(v + 1);
  return v / std::pow(10.0, scale);
}

template <typename T>
void put(DenseValues* out, int64_t i, T v) {
  std::memcpy(out->values.data() + i * sizeof(T), &v, sizeof(T));
}

// Converts `n` fixed-width physical values into `out`.
}  // namespace

Status append_fixed(const FieldNode& leaf, const char* phys, int64_t n, DenseValues* out) {
  int pw = physical_width(leaf);
  if (out->width == 0) {
    // byte-string target from fixed-width physical values
    for (int64_t i = 0; i < n; ++i) {
      const char* p = phys + i * pw;
      if (leaf.conversion == LeafConversion::kUuidToString) {
        static const char* kHex = "0123456789abcdef";
        for (int k = 0; k < 16; ++k) {
          if (k == 4 || k == 6 || k == 8 || k == 10) out->data.push_back('-');
          uint8_t b = static_cast<uint8_t>(p[k]);
          out->data.push_back(kHex[b >> 4]);
          out->data.push_back(kHex[b & 15]);
        }
      } else {
        out->data.insert(out->data.end(), p, p + pw);
      }
      out->offsets.push_back(static_cast<int64_t>(out->data.size()));
    }
    out->count += n;
    return ok_status();
  }
  int64_t base = out->count;
  out->values.resize((base + n) * out->width);
  DenseValues* o = out;
  switch (leaf.conversion) {
    case LeafConversion::kNone:
      if (pw == out->width) {
        if (n > 0) std::memcpy(out->values.data() + base * pw, phys, n * pw);
        break;
      }
      return internal_error("parquet: width mismatch");
    case LeafConversion::kInt32ToInt8:
      for (int64_t i = 0; i < n; ++i) { int32_t v; std::memcpy(&v, phys + i * 4, 4); put<int8_t>(o, base + i, static_cast<int8_t>(v)); }
      break;
    case LeafConversion::kInt32ToInt16:
      for (int64_t i = 0; i < n; ++i) { int32_t v; std::memcpy(&v, phys + i * 4, 4); put<int16_t>(o, base + i, static_cast<int16_t>(v)); }
      break;
    case LeafConversion::kUint8ToInt16:
      for (int64_t i = 0; i < n; ++i) { uint32_t v; std::memcpy(&v, phys + i * 4, 4); put<int16_t>(o, base + i, static_cast<int16_t>(v & 0xff)); }
      break;
    case LeafConversion::kUint16ToInt32:
      for (int64_t i = 0; i < n; ++i) { uint32_t v; std::memcpy(&v, phys + i * 4, 4); put<int32_t>(o, base + i, static_cast<int32_t>(v & 0xffff)); }
      break;
    case LeafConversion::kUint32ToInt64:
      for (int64_t i = 0; i < n; ++i) { uint32_t v; std::memcpy(&v, phys + i * 4, 4); put<int64_t>(o, base + i, v); }
      break;
    case LeafConversion::kUint64ToDecimal:
      for (int64_t i = 0; i < n; ++i) { uint64_t v; std::memcpy(&v, phys + i * 8, 8); put<int128>(o, base + i, static_cast<int128>(v)); }
      break;
    case LeafConversion::kMillisToMicros:
      for (int64_t i = 0; i < n; ++i) { int64_t v; std::memcpy(&v, phys + i * 8, 8); put<int64_t>(o, base + i, static_cast<int64_t>(static_cast<uint64_t>(v) * 1000)); }
      break;
    case LeafConversion::kNanosToMicros:
      for (int64_t i = 0; i < n; ++i) { int64_t v; std::memcpy(&v, phys + i * 8, 8); put<int64_t>(o, base + i, floor_div(v, 1000)); }
      break;
    case LeafConversion::kInt32TimeMillis:
      for (int64_t i = 0; i < n; ++i) { int32_t v; std::memcpy(&v, phys + i * 4, 4); put<int64_t>(o, base + i, int64_t{v} * 1000); }
      break;
    case LeafConversion::kInt96ToMicros:
      for (int64_t i = 0; i < n; ++i) {
        int64_t nanos;
        int32_t julian;
        std::memcpy(&nanos, phys + i * 12, 8);
        std::memcpy(&julian, phys + i * 12 + 8, 4);
        uint64_t micros = static_cast<uint64_t>(int64_t{julian} - 2440588) * 86400000000ULL +
                          static_cast<uint64_t>(floor_div(nanos, 1000));
        put<int64_t>(o, base + i, static_cast<int64_t>(micros));
      }
      break;
    case LeafConversion::kInt32ToDecimal:
      for (int64_t i = 0; i < n; ++i) { int32_t v; std::memcpy(&v, phys + i * 4, 4); put<int128>(o, base + i, v); }
      break;
    case LeafConversion::kInt64ToDecimal:
      for (int64_t i = 0; i < n; ++i) { int64_t v; std::memcpy(&v, phys + i * 8, 8); put<int128>(o, base + i, v); }
      break;
    case LeafConversion::kBytesToDecimal:
      for (int64_t i = 0; i < n; ++i) {
        int128 v;
        if (!big_endian_to_int128(reinterpret_cast<const uint8_t*>(phys + i * pw), pw, &v)) {
          return invalid_input("decimal value does not fit 128 bits");
        }
        put<int128>(o, base + i, v);
      }
      break;
    case LeafConversion::kDecimalToDouble:
      for (int64_t i = 0; i < n; ++i) {
        put<double>(o, base + i, big_endian_to_double(reinterpret_cast<const uint8_t*>(phys + i * pw), pw, leaf.scale));
      }
      break;
    case LeafConversion::kFloat16ToFloat:
      for (int64_t i = 0; i < n; ++i) { uint16_t v; std::memcpy(&v, phys + i * 2, 2); put<float>(o, base + i, half_to_float(v)); }
      break;
    default:
      return internal_error("parquet: unexpected conversion");
  }
  out->count += n;
  return ok_status();
}

// Appends one BYTE_ARRAY value.
Status append_bytes(const FieldNode& leaf, std::string_view v, DenseValues* out) {
  if (out->width == 0) {
    out->data.insert(out->data.end(), v.begin(), v.end());
    out->offsets.push_back(static_cast<int64_t>(out->data.size()));
    ++out->count;
    return ok_status();
  }
  out->values.resize((out->count + 1) * out->width);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(v.data());
  if (leaf.conversion == LeafConversion::kBytesToDecimal) {
    int128 d;
    if (!big_endian_to_int128(p, v.size(), &d)) return invalid_input("decimal value does not fit 128 bits");
    put<int128>(out, out->count, d);
  } else if (leaf.conversion == LeafConversion::kDecimalToDouble) {
    put<double>(out, out->count, big_endian_to_double(p, v.size(), leaf.scale));
  } else {
    return invalid_input("BYTE_ARRAY values for a fixed-width column");
  }
  ++out->count;
  return ok_status();
}

Status append_byte_strings(const FieldNode& leaf, const std::vector<int64_t>& offsets,
                           const std::vector<char>& data, DenseValues* out) {
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    MORTAR_RETURN_IF_ERROR(append_bytes(
        leaf, std::string_view(data.data() + offsets[i], offsets[i + 1] - offsets[i]), out));
  }
  return ok_status();
}

Status gather_dictionary(const DenseValues& dict, const uint32_t* idx, int64_t n, DenseValues* out) {
  for (int64_t i = 0; i < n; ++i) {
    if (idx[i] >= static_cast<uint64_t>(dict.count)) {
      return invalid_input("dictionary index " + std::to_string(idx[i]) + " out of range (" +
                           std::to_string(dict.count) + " entries)");
    }
  }
  if (out->width) {
    int w = out->width;
    size_t base = out->values.size();
    out->values.resize(base + n * w);
    char* dst = out->values.data() + base;
    const char* src = dict.values.data();
    switch (w) {
      case 4:
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * 4, src + idx[i] * 4, 4);
        break;
      case 8:
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * 8, src + size_t{idx[i]} * 8, 8);
        break;
      default:
        for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * w, src + size_t{idx[i]} * w, w);
    }
  } else {
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) total += dict.offsets[idx[i] + 1] - dict.offsets[idx[i]];
    size_t base = out->data.size();
    out->data.resize(base + total);
    char* dst = out->data.data() + base;
    int64_t off = static_cast<int64_t>(base);
    out->offsets.reserve(out->offsets.size() + n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t s = dict.offsets[idx[i]], len = dict.offsets[idx[i] + 1] - s;
      if (len) std::memcpy(dst, dict.data.data() + s, len);
      dst += len;
      off += len;
      out->offsets.push_back(off);
    }
  }
  out->count += n;
  return ok_status();
}
int target_width(const FieldNode& leaf) { return types::fixed_width(leaf.type->kind()); }

Status decode_plain(const FieldNode& leaf, std::string_view data, int64_t n, DenseValues* out,
                    size_t* consumed) {
  if (n < 0) return invalid_input("negative value count");
  switch (leaf.physical) {
    case PhysicalType::kBoolean: {
      if (static_cast<uint64_t>((n + 7) / 8) > data.size()) return invalid_input("truncated PLAIN booleans");
      size_t base = out->values.size();
      out->values.resize(base + n);
      const uint8_t* p = reinterpret_cast<const uint8_t*>(data.data());
      for (int64_t i = 0; i < n; ++i) out->values[base + i] = static_cast<char>((p[i >> 3] >> (i & 7)) & 1);
      out->count += n;
      *consumed = (n + 7) / 8;
      return ok_status();
    }
    case PhysicalType::kByteArray: {
      size_t pos = 0;
      if (out->width == 0) {
        out->offsets.reserve(out->offsets.size() + n);
        out->data.reserve(out->data.size() + data.size());
      }
      for (int64_t i = 0; i < n; ++i) {
        if (data.size() - pos < 4) return invalid_input("truncated PLAIN byte array");
        uint32_t len;
        std::memcpy(&len, data.data() + pos, 4);
        pos += 4;
        if (len > data.size() - pos) return invalid_input("byte array length " + std::to_string(len) + " exceeds the page");
        MORTAR_RETURN_IF_ERROR(append_bytes(leaf, data.substr(pos, len), out));
        pos += len;
      }
      *consumed = pos;
      return ok_status();
    }
    default: {
      int w = physical_width(leaf);
      if (static_cast<uint64_t>(n) > data.size() / std::max(w, 1)) {
        return invalid_input("truncated PLAIN values (" + std::to_string(n) + " values of " +
                             std::to_string(w) + " bytes, " + std::to_string(data.size()) + " bytes left)");
      }
      *consumed = n * w;
      return append_fixed(leaf, data.data(), n, out);
    }
  }
}

}  // namespace mortar::formats::parquet
