// Readers of ORC's primitive columns: boolean, tinyint, the RLE integers
// (smallint, int, bigint, date), float/double, strings and binary (direct
// and dictionary), decimals and timestamps.
#include <cctype>
#include <cstring>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "formats/orc/column_reader.h"
#include "types/decimal.h"

namespace mortar::formats::orc {

using types::Column;
using types::int128;

namespace {

// Seconds from 1970-01-01 to ORC's timestamp epoch, 2015-01-01 00:00:00 UTC.
constexpr int64_t kOrcEpochSeconds = 1420070400;

// An IANA zone name ("America/Los_Angeles", "Etc/GMT+5"), never a path:
// the zone loader would open absolute or ../ names as files.
bool plausible_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] == '/' || name.find("..") != std::string::npos)
    return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' &&
        c != '+')
      return false;
  }
  return true;
}

class BooleanReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto data, stream(s, StreamKind::kData));
    data_ = std::make_unique<BooleanDecoder>(data);
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    values_.resize(n);
    MORTAR_RETURN_IF_ERROR(data_->next(values_.data(), n));
    if (n == rows) {
      out.append_fixed(values_.data(), n);
      return ok_status();
    }
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (valid_[r])
        out.append_bool(values_[k++]);
      else
        out.append_null();
    }
    return ok_status();
  }

 private:
  std::unique_ptr<BooleanDecoder> data_;
  std::vector<uint8_t> values_;
};

class ByteReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto data, stream(s, StreamKind::kData));
    data_ = std::make_unique<ByteRleDecoder>(data);
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    values_.resize(n);
    MORTAR_RETURN_IF_ERROR(data_->next(values_.data(), n));
    if (n == rows) {
      out.append_fixed(values_.data(), n);
      return ok_status();
    }
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (valid_[r])
        out.append_int(static_cast<int8_t>(values_[k++]));
      else
        out.append_null();
    }
    return ok_status();
  }

 private:
  std::unique_ptr<ByteRleDecoder> data_;
  std::vector<uint8_t> values_;
};

// smallint, int, bigint and date: signed RLE integers.
class IntegerReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto data, stream(s, StreamKind::kData));
    data_ = make_int_decoder(data, true, rle_v2(s));
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    values_.resize(n);
    MORTAR_RETURN_IF_ERROR(data_->next(values_.data(), n));
    if (n == rows && out.value_width() == 8) {
      out.append_fixed(values_.data(), n);
      return ok_status();
    }
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (valid_[r])
        out.append_int(values_[k++]);
      else
        out.append_null();
    }
    return ok_status();
  }

 private:
  std::unique_ptr<IntDecoder> data_;
  std::vector<int64_t> values_;
};

// IEEE 754 little-endian, 4 or 8 bytes per non-null value.
class FloatingReader : public ColumnReader {
 public:
  FloatingReader(const SchemaNode& node, int width) : ColumnReader(node), width_(width) {}
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(data_, stream(s, StreamKind::kData));
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    if (static_cast<uint64_t>(n) * width_ > data_.size() - pos_) {
      return invalid_input("DATA stream ends at offset " + std::to_string(data_.size()) + ", " +
                           std::to_string(n) + " more values wanted");
    }
    const char* p = data_.data() + pos_;
    pos_ += static_cast<size_t>(n) * width_;
    if (n == rows) {
      out.append_fixed(p, n);
      return ok_status();
    }
    for (int64_t r = 0; r < rows; ++r) {
      if (!valid_[r]) {
        out.append_null();
      } else if (width_ == 4) {
        float f;
        std::memcpy(&f, p, 4);
        p += 4;
        out.append_double(f);
      } else {
        double d;
        std::memcpy(&d, p, 8);
        p += 8;
        out.append_double(d);
      }
    }
    return ok_status();
  }

 private:
  int width_;
  std::string_view data_;
  size_t pos_ = 0;
};

class StringDirectReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(data_, stream(s, StreamKind::kData));
    MORTAR_ASSIGN_OR_RETURN(auto lengths, stream(s, StreamKind::kLength));
    lengths_ = make_int_decoder(lengths, false, rle_v2(s));
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    lens_.resize(n);
    MORTAR_RETURN_IF_ERROR(lengths_->next(lens_.data(), n));
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (!valid_[r]) {
        out.append_null();
        continue;
      }
      uint64_t len = static_cast<uint64_t>(lens_[k++]);
      if (len > data_.size() - pos_) {
        return invalid_input("string of " + std::to_string(len) +
                             " bytes runs past the DATA stream (offset " + std::to_string(pos_) +
                             " of " + std::to_string(data_.size()) + ")");
      }
      out.append_string(data_.substr(pos_, len));
      pos_ += len;
    }
    return ok_status();
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::unique_ptr<IntDecoder> lengths_;
  std::vector<int64_t> lens_;
};

class StringDictionaryReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto indexes, stream(s, StreamKind::kData));
    bool v2 = rle_v2(s);
    indexes_ = make_int_decoder(indexes, false, v2);
    uint64_t size = s.encodings[node_.column].dictionary_size;
    const std::string* blob = s.find(node_.column, StreamKind::kDictionaryData);
    dictionary_ = blob ? std::string_view(*blob) : std::string_view();
    // Entries are distinct, so at most one is empty: the blob bounds the count.
    if (size > dictionary_.size() + 1) {
      return invalid_input("dictionary of " + std::to_string(size) + " entries in " +
                           std::to_string(dictionary_.size()) + " bytes");
    }
    if (size > 0) {
      MORTAR_ASSIGN_OR_RETURN(auto lengths, stream(s, StreamKind::kLength));
      std::vector<int64_t> lens(size);
      MORTAR_RETURN_IF_ERROR(make_int_decoder(lengths, false, v2)->next(lens.data(), size));
      offsets_.resize(size + 1);
      uint64_t at = 0;
      for (uint64_t i = 0; i < size; ++i) {
        offsets_[i] = at;
        at += static_cast<uint64_t>(lens[i]);
        if (static_cast<uint64_t>(lens[i]) > dictionary_.size() || at > dictionary_.size()) {
          return invalid_input("dictionary entry " + std::to_string(i) +
                               " runs past the DICTIONARY_DATA stream");
        }
      }
      offsets_[size] = at;
    }
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    idx_.resize(n);
    MORTAR_RETURN_IF_ERROR(indexes_->next(idx_.data(), n));
    size_t k = 0;
    uint64_t entries = offsets_.empty() ? 0 : offsets_.size() - 1;
    for (int64_t r = 0; r < rows; ++r) {
      if (!valid_[r]) {
        out.append_null();
        continue;
      }
      uint64_t i = static_cast<uint64_t>(idx_[k++]);
      if (i >= entries) {
        return invalid_input("dictionary index " + std::to_string(i) + " out of range (" +
                             std::to_string(entries) + " entries)");
      }
      out.append_string(dictionary_.substr(offsets_[i], offsets_[i + 1] - offsets_[i]));
    }
    return ok_status();
  }

 private:
  std::unique_ptr<IntDecoder> indexes_;
  std::string_view dictionary_;
  std::vector<uint64_t> offsets_;
  std::vector<int64_t> idx_;
};

// DATA: unbounded zigzag varints (the unscaled values); SECONDARY: each
// value's scale, rescaled to the column's.
class DecimalReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(data_, stream(s, StreamKind::kData));
    MORTAR_ASSIGN_OR_RETURN(auto scales, stream(s, StreamKind::kSecondary));
    scales_ = make_int_decoder(scales, true, rle_v2(s));
    max_ = types::decimal_max_unscaled(node_.precision);
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    scale_values_.resize(n);
    MORTAR_RETURN_IF_ERROR(scales_->next(scale_values_.data(), n));
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (!valid_[r]) {
        out.append_null();
        continue;
      }
      int128 v = 0;
      MORTAR_RETURN_IF_ERROR(read_value(&v));
      MORTAR_RETURN_IF_ERROR(rescale(&v, scale_values_[k++]));
      out.append_decimal(v);
    }
    return ok_status();
  }

 private:
  Status read_value(int128* out) {
    unsigned __int128 u = 0;
    size_t start = pos_;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= data_.size())
        return invalid_input("decimal DATA stream ends at offset " + std::to_string(pos_));
      if (shift > 126)
        return invalid_input("decimal varint longer than 128 bits at offset " +
                             std::to_string(start));
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      u |= static_cast<unsigned __int128>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    *out = static_cast<int128>(u >> 1) ^ -static_cast<int128>(u & 1);
    return ok_status();
  }

  Status rescale(int128* v, int64_t scale) {
    int want = node_.scale;
    if (scale < 0 || scale > 38)
      return invalid_input("decimal scale " + std::to_string(scale) + " out of range");
    if (scale < want) {
      int128 f = types::pow10_int128(want - static_cast<int>(scale));
      int128 limit = max_ / f;
      if (*v > limit || *v < -limit)
        return invalid_input("decimal value does not fit the column's precision");
      *v *= f;
    } else if (scale > want) {
      int128 f = types::pow10_int128(static_cast<int>(scale) - want);
      int128 q = *v / f, rem = *v % f;
      if (rem * 2 >= f) ++q;
      if (rem * 2 <= -f) --q;
      *v = q;
    }
    if (*v > max_ || *v < -max_)
      return invalid_input("decimal value does not fit the column's precision");
    return ok_status();
  }

  std::string_view data_;
  size_t pos_ = 0;
  std::unique_ptr<IntDecoder> scales_;
  std::vector<int64_t> scale_values_;
  int128 max_ = 0;
};

// DATA: signed seconds since 2015-01-01; SECONDARY: nanoseconds with the
// count of trailing decimal zeros in the low three bits. A plain timestamp
// is a wall-clock time in the writer's zone, stored as the instant it names
// there minus 2015-01-01 00:00 in that zone; Mortar keeps the wall clock
// (as UTC), so the zone's offset at each instant is added back. Timestamps
// with local time zone count from 2015-01-01 UTC and are instants: UTC.
class TimestampReader : public ColumnReader {
 public:
  using ColumnReader::ColumnReader;
  Status init(const StripeStreams& s) {
    const std::string& zone = s.writer_timezone;
    if (node_.kind == OrcKind::kTimestamp && !zone.empty() && zone != "UTC" && zone != "GMT" &&
        zone != "Etc/UTC") {
      // An unknown zone reads as UTC (as ORC readers do for files without one).
      if (plausible_zone_name(zone) && absl::LoadTimeZone(zone, &zone_)) {
        local_ = true;
        epoch_ =
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2015, 1, 1, 0, 0, 0), zone_));
      }
    }
    MORTAR_RETURN_IF_ERROR(init_present(s));
    MORTAR_ASSIGN_OR_RETURN(auto secs, stream(s, StreamKind::kData));
    MORTAR_ASSIGN_OR_RETURN(auto nanos, stream(s, StreamKind::kSecondary));
    bool v2 = rle_v2(s);
    seconds_ = make_int_decoder(secs, true, v2);
    nanos_ = make_int_decoder(nanos, false, v2);
    return ok_status();
  }

 protected:
  Status do_read(int64_t rows, const uint8_t* parent_valid, Column& out) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, read_validity(rows, parent_valid));
    secs_.resize(n);
    ns_.resize(n);
    MORTAR_RETURN_IF_ERROR(seconds_->next(secs_.data(), n));
    MORTAR_RETURN_IF_ERROR(nanos_->next(ns_.data(), n));
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (!valid_[r]) {
        out.append_null();
        continue;
      }
      // Signed: pyarrow's writer stores nanoseconds of pre-1970 times as
      // negative values (with seconds rounded toward zero), as ORC's C++
      // reader accepts.
      int64_t enc = ns_[k];
      int zeros = static_cast<int>(enc & 7);
      int64_t nanos = enc >> 3;
      if (zeros) {
        for (int z = 0; z <= zeros && nanos < 1000000000 && nanos > -1000000000; ++z) nanos *= 10;
      }
      if (nanos > 999999999 || nanos < -999999999) {
        return invalid_input("timestamp nanoseconds " + std::to_string(nanos) + " out of range");
      }
      int64_t secs;
      if (__builtin_add_overflow(secs_[k], epoch_, &secs))
        return invalid_input("timestamp out of range");
      ++k;
      // Writers store seconds rounded toward zero (Java's millis / 1000).
      if (secs < 0 && nanos > 999999) --secs;
      if (local_ && secs > -kZoneRange && secs < kZoneRange) {
        secs += zone_.At(absl::FromUnixSeconds(secs)).offset;
      }
      int64_t micros;
      if (__builtin_mul_overflow(secs, int64_t{1000000}, &micros) ||
          __builtin_add_overflow(micros, nanos >= 0 ? nanos / 1000 : -((999 - nanos) / 1000),
                                 &micros)) {
        return invalid_input("timestamp out of range");
      }
      out.append_timestamp(micros);
    }
    return ok_status();
  }

 private:
  // Zone offsets are looked up within +-10^11 s (past that, no zone rules).
  static constexpr int64_t kZoneRange = int64_t{100000000000};
  std::unique_ptr<IntDecoder> seconds_, nanos_;
  std::vector<int64_t> secs_, ns_;
  bool local_ = false;
  absl::TimeZone zone_;
  int64_t epoch_ = kOrcEpochSeconds;
};

template <typename R, typename... Args>
StatusOr<std::unique_ptr<ColumnReader>> make(const SchemaNode& node, const StripeStreams& s,
                                             Args... args) {
  auto r = std::make_unique<R>(node, args...);
  MORTAR_RETURN_IF_ERROR(r->init(s));
  return std::unique_ptr<ColumnReader>(std::move(r));
}

}  // namespace

StatusOr<std::unique_ptr<ColumnReader>> make_primitive_reader(const SchemaNode& node,
                                                              const StripeStreams& s) {
  EncodingKind enc = s.encodings[node.column].kind;
  bool dictionary = enc == EncodingKind::kDictionary || enc == EncodingKind::kDictionaryV2;
  bool is_string = node.kind == OrcKind::kString || node.kind == OrcKind::kVarchar ||
                   node.kind == OrcKind::kChar;
  if (dictionary && !is_string) {
    return invalid_input("column " + std::to_string(node.column) + " of type " +
                         node.type->to_string() + " has a dictionary encoding");
  }
  switch (node.kind) {
    case OrcKind::kBoolean:
      return make<BooleanReader>(node, s);
    case OrcKind::kByte:
      return make<ByteReader>(node, s);
    case OrcKind::kShort:
    case OrcKind::kInt:
    case OrcKind::kLong:
    case OrcKind::kDate:
      return make<IntegerReader>(node, s);
    case OrcKind::kFloat:
      return make<FloatingReader>(node, s, 4);
    case OrcKind::kDouble:
      return make<FloatingReader>(node, s, 8);
    case OrcKind::kString:
    case OrcKind::kVarchar:
    case OrcKind::kChar:
      if (dictionary) return make<StringDictionaryReader>(node, s);
      return make<StringDirectReader>(node, s);
    case OrcKind::kBinary:
      return make<StringDirectReader>(node, s);
    case OrcKind::kDecimal:
      return make<DecimalReader>(node, s);
    case OrcKind::kTimestamp:
    case OrcKind::kTimestampInstant:
      return make<TimestampReader>(node, s);
    default:
      return internal_error("not a primitive ORC type");
  }
}

}  // namespace mortar::formats::orc
