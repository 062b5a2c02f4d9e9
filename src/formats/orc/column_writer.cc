#include "formats/orc/column_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "formats/orc/rle_encoders.h"
#include "types/decimal.h"

namespace mortar::formats::orc {

using types::Column;
using types::TypeKind;
using types::TypePtr;

namespace {

constexpr int64_t kOrcEpochSeconds = 1420070400;
// String statistics longer than this are not kept (ORC truncates them into
// lower/upper bounds; Mortar simply leaves them out).
constexpr size_t kMaxStatString = 1024;

int64_t int_at(const Column& c, int64_t row) {
  switch (c.value_width()) {
    case 1:
      return c.value<int8_t>(row);
    case 2:
      return c.value<int16_t>(row);
    case 4:
      return c.value<int32_t>(row);
    default:
      return c.value<int64_t>(row);
  }
}

void update_int(StatsBuilder& s, int64_t v) {
  if (!s.has_minmax) {
    s.int_min = s.int_max = v;
    s.has_minmax = true;
  } else {
    s.int_min = std::min(s.int_min, v);
    s.int_max = std::max(s.int_max, v);
  }
}

class BoolWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    for (int64_t r : add_present(col, rows)) {
      uint8_t v = col.value<uint8_t>(r) ? 1 : 0;
      data_.push_back(v);
      stripe_stats_.true_count += v;
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    OutStream s{StreamKind::kData, column_, {}};
    encode_boolean_rle(data_.data(), data_.size(), &s.bytes);
    streams->push_back(std::move(s));
    data_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(data_.size() + present_.size());
  }

 private:
  std::vector<uint8_t> data_;
};

class ByteWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    for (int64_t r : add_present(col, rows)) {
      int8_t v = col.value<int8_t>(r);
      data_.push_back(static_cast<uint8_t>(v));
      update_int(stripe_stats_, v);
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    OutStream s{StreamKind::kData, column_, {}};
    encode_byte_rle(data_.data(), data_.size(), &s.bytes);
    streams->push_back(std::move(s));
    data_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(data_.size() + present_.size());
  }

 private:
  std::vector<uint8_t> data_;
};

// smallint, int, bigint, date.
class IntWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    for (int64_t r : add_present(col, rows)) {
      int64_t v = int_at(col, r);
      data_.push_back(v);
      update_int(stripe_stats_, v);
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    OutStream s{StreamKind::kData, column_, {}};
    encode_int_rle_v2(data_.data(), data_.size(), true, &s.bytes);
    streams->push_back(std::move(s));
    data_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(data_.size() * 8 + present_.size());
  }

 private:
  std::vector<int64_t> data_;
};

class FloatWriter : public ColumnWriter {
 public:
  FloatWriter(uint32_t column, OrcKind kind, TypePtr type)
      : ColumnWriter(column, kind, std::move(type)), width_(kind == OrcKind::kFloat ? 4 : 8) {}
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    for (int64_t r : add_present(col, rows)) {
      double d;
      if (width_ == 4) {
        float f = col.value<float>(r);
        data_.append(reinterpret_cast<const char*>(&f), 4);
        d = f;
      } else {
        d = col.value<double>(r);
        data_.append(reinterpret_cast<const char*>(&d), 8);
      }
      StatsBuilder& s = stripe_stats_;
      if (std::isnan(d)) {
        s.double_ok = false;
      } else if (!s.has_minmax) {
        s.double_min = s.double_max = d;
        s.has_minmax = true;
      } else {
        s.double_min = std::min(s.double_min, d);
        s.double_max = std::max(s.double_max, d);
      }
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    streams->push_back(OutStream{StreamKind::kData, column_, std::move(data_)});
    data_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(data_.size() + present_.size());
  }

 private:
  int width_;
  std::string data_;
};

// string, varchar, char, binary (and Mortar's null type, as string).
class StringWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    if (col.type()->kind() == TypeKind::kNull) {
      present_.insert(present_.end(), rows.size(), 0);
      stripe_has_null_ = stripe_has_null_ || !rows.empty();
      stripe_stats_.has_null = stripe_has_null_;
      return;
    }
    bool keep_stats = kind_ != OrcKind::kBinary;
    for (int64_t r : add_present(col, rows)) {
      std::string_view v = col.string_at(r);
      data_.append(v);
      lengths_.push_back(static_cast<int64_t>(v.size()));
      if (!keep_stats) continue;
      StatsBuilder& s = stripe_stats_;
      if (v.size() > kMaxStatString) {
        s.string_ok = false;
      } else if (!s.has_minmax) {
        s.string_min = s.string_max = std::string(v);
        s.has_minmax = true;
      } else {
        if (v < s.string_min) s.string_min = std::string(v);
        if (v > s.string_max) s.string_max = std::string(v);
      }
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    if (!flush_dictionary(streams)) {
      stripe_encoding_ = EncodingKind::kDirectV2;
      streams->push_back(OutStream{StreamKind::kData, column_, std::move(data_)});
      OutStream len{StreamKind::kLength, column_, {}};
      encode_int_rle_v2(lengths_.data(), lengths_.size(), false, &len.bytes);
      streams->push_back(std::move(len));
    }
    data_.clear();
    lengths_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(data_.size() + lengths_.size() * 8 + present_.size());
  }

 private:
  // DICTIONARY_V2 when values repeat enough (at most half distinct, as a
  // cheap stand-in for Java's 0.8 ratio): the sorted distinct values
  // (DICTIONARY_DATA + LENGTH) and each row's index into them (DATA).
  bool flush_dictionary(std::vector<OutStream>* streams) {
    if (kind_ == OrcKind::kBinary || lengths_.empty()) return false;
    std::vector<std::string_view> values;
    values.reserve(lengths_.size());
    size_t at = 0;
    for (int64_t len : lengths_) {
      values.emplace_back(data_.data() + at, static_cast<size_t>(len));
      at += static_cast<size_t>(len);
    }
    absl::flat_hash_map<std::string_view, uint32_t> ids;
    for (std::string_view v : values) {
      ids.emplace(v, 0);
      if (ids.size() * 2 > values.size()) return false;
    }
    std::vector<std::string_view> keys;
    keys.reserve(ids.size());
    for (const auto& [k, id] : ids) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    std::string dictionary;
    std::vector<int64_t> key_lengths;
    for (size_t i = 0; i < keys.size(); ++i) {
      ids[keys[i]] = static_cast<uint32_t>(i);
      dictionary.append(keys[i]);
      key_lengths.push_back(static_cast<int64_t>(keys[i].size()));
    }
    std::vector<int64_t> indexes;
    indexes.reserve(values.size());
    for (std::string_view v : values) indexes.push_back(ids[v]);
    OutStream data{StreamKind::kData, column_, {}};
    encode_int_rle_v2(indexes.data(), indexes.size(), false, &data.bytes);
    streams->push_back(std::move(data));
    streams->push_back(OutStream{StreamKind::kDictionaryData, column_, std::move(dictionary)});
    OutStream len{StreamKind::kLength, column_, {}};
    encode_int_rle_v2(key_lengths.data(), key_lengths.size(), false, &len.bytes);
    streams->push_back(std::move(len));
    stripe_encoding_ = EncodingKind::kDictionaryV2;
    dictionary_size_ = keys.size();
    return true;
  }

  std::string data_;
  std::vector<int64_t> lengths_;
};

class DecimalWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    for (int64_t r : add_present(col, rows)) {
      __int128 v = col.value<__int128>(r);
      auto u = (static_cast<unsigned __int128>(v) << 1) ^ static_cast<unsigned __int128>(v >> 127);
      while (u >= 0x80) {
        data_.push_back(static_cast<char>((u & 0x7F) | 0x80));
        u >>= 7;
      }
      data_.push_back(static_cast<char>(u));
      ++count_;
      StatsBuilder& s = stripe_stats_;
      if (!s.has_minmax) {
        s.dec_min = s.dec_max = v;
        s.has_minmax = true;
      } else {
        s.dec_min = std::min(s.dec_min, v);
        s.dec_max = std::max(s.dec_max, v);
      }
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    streams->push_back(OutStream{StreamKind::kData, column_, std::move(data_)});
    std::vector<int64_t> scales(count_, scale_);
    OutStream sec{StreamKind::kSecondary, column_, {}};
    encode_int_rle_v2(scales.data(), scales.size(), true, &sec.bytes);
    streams->push_back(std::move(sec));
    data_.clear();
    count_ = 0;
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(data_.size() + present_.size());
  }

 private:
  std::string data_;
  size_t count_ = 0;
};

// Wall-clock microseconds as ORC seconds since 2015-01-01 (writer zone UTC)
// plus nanoseconds with their trailing-zero count.
class TimestampWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    for (int64_t r : add_present(col, rows)) {
      int64_t micros = col.value<int64_t>(r);
      int64_t secs = micros >= 0 ? micros / 1000000 : -((999999 - micros) / 1000000);
      int64_t nanos = (micros - secs * 1000000) * 1000;
      // Seconds are stored rounded toward zero, as Java's writer does.
      if (secs < 0 && nanos > 999999) ++secs;
      seconds_.push_back(secs - kOrcEpochSeconds);
      nanos_.push_back(format_nanos(nanos));
      int64_t millis = micros >= 0 ? micros / 1000 : -((999 - micros) / 1000);
      update_int(stripe_stats_, millis);
    }
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    OutStream data{StreamKind::kData, column_, {}};
    encode_int_rle_v2(seconds_.data(), seconds_.size(), true, &data.bytes);
    streams->push_back(std::move(data));
    OutStream sec{StreamKind::kSecondary, column_, {}};
    encode_int_rle_v2(nanos_.data(), nanos_.size(), false, &sec.bytes);
    streams->push_back(std::move(sec));
    seconds_.clear();
    nanos_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(seconds_.size() * 16 + present_.size());
  }

 private:
  static int64_t format_nanos(int64_t nanos) {
    if (nanos == 0) return 0;
    if (nanos % 100 != 0) return nanos << 3;
    nanos /= 100;
    int trailing = 1;
    while (nanos % 10 == 0 && trailing < 7) {
      nanos /= 10;
      ++trailing;
    }
    return (nanos << 3) | trailing;
  }

  std::vector<int64_t> seconds_, nanos_;
};

class StructWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    std::vector<int64_t> valid = add_present(col, rows);
    for (size_t i = 0; i < children_.size(); ++i) children_[i]->add(col.child(i), valid);
  }
  void flush(std::vector<OutStream>* streams) override { flush_present(streams); }
  int64_t buffered_bytes() const override { return static_cast<int64_t>(present_.size()); }
};

// array and map: LENGTH per non-null row; children get the entries.
class RepeatedWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    std::vector<int64_t> entries;
    const std::vector<int64_t>& offsets = col.offsets();
    for (int64_t r : add_present(col, rows)) {
      lengths_.push_back(offsets[r + 1] - offsets[r]);
      for (int64_t e = offsets[r]; e < offsets[r + 1]; ++e) entries.push_back(e);
    }
    for (size_t i = 0; i < children_.size(); ++i) children_[i]->add(col.child(i), entries);
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    OutStream len{StreamKind::kLength, column_, {}};
    encode_int_rle_v2(lengths_.data(), lengths_.size(), false, &len.bytes);
    streams->push_back(std::move(len));
    lengths_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(lengths_.size() * 8 + present_.size());
  }

 private:
  std::vector<int64_t> lengths_;
};

// choice: DATA holds each row's alternative; alternative i's column its values.
class UnionWriter : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;
  void add(const Column& col, const std::vector<int64_t>& rows) override {
    std::vector<std::vector<int64_t>> per_child(children_.size());
    for (int64_t r : add_present(col, rows)) {
      int8_t t = col.type_ids()[r];
      tags_.push_back(static_cast<uint8_t>(t));
      per_child[t].push_back(col.child_index()[r]);
    }
    for (size_t i = 0; i < children_.size(); ++i) children_[i]->add(col.child(i), per_child[i]);
  }
  void flush(std::vector<OutStream>* streams) override {
    flush_present(streams);
    OutStream data{StreamKind::kData, column_, {}};
    encode_byte_rle(tags_.data(), tags_.size(), &data.bytes);
    streams->push_back(std::move(data));
    tags_.clear();
  }
  int64_t buffered_bytes() const override {
    return static_cast<int64_t>(tags_.size() + present_.size());
  }

 private:
  std::vector<uint8_t> tags_;
};

}  // namespace

std::vector<int64_t> ColumnWriter::add_present(const Column& col,
                                               const std::vector<int64_t>& rows) {
  std::vector<int64_t> valid;
  valid.reserve(rows.size());
  for (int64_t r : rows) {
    bool v = col.is_valid(r);
    present_.push_back(v ? 1 : 0);
    if (v) {
      valid.push_back(r);
    } else {
      stripe_has_null_ = true;
    }
  }
  stripe_stats_.values += valid.size();
  if (valid.size() != rows.size()) stripe_stats_.has_null = true;
  return valid;
}

void ColumnWriter::flush_present(std::vector<OutStream>* streams) {
  if (stripe_has_null_) {
    OutStream s{StreamKind::kPresent, column_, {}};
    encode_boolean_rle(present_.data(), present_.size(), &s.bytes);
    streams->push_back(std::move(s));
  }
  present_.clear();
  stripe_has_null_ = false;
}

void ColumnWriter::collect(std::vector<ColumnWriter*>* out) {
  out->push_back(this);
  for (auto& c : children_) c->collect(out);
}

EncodingKind ColumnWriter::encoding() const {
  if (stripe_encoding_) return *stripe_encoding_;
  switch (kind_) {
    case OrcKind::kBoolean:
    case OrcKind::kByte:
    case OrcKind::kFloat:
    case OrcKind::kDouble:
    case OrcKind::kStruct:
    case OrcKind::kUnion:
      return EncodingKind::kDirect;
    default:
      return EncodingKind::kDirectV2;
  }
}

void ColumnWriter::append_types(std::vector<std::string>* types) const {
  ProtoWriter w;
  w.varint_field(1, static_cast<uint64_t>(kind_));
  std::vector<uint64_t> subtypes;
  for (const auto& c : children_) subtypes.push_back(c->column());
  if (!subtypes.empty()) w.packed_varints(2, subtypes);
  for (const auto& n : field_names_) w.bytes_field(3, n);
  if (kind_ == OrcKind::kVarchar || kind_ == OrcKind::kChar)
    w.varint_field(4, static_cast<uint64_t>(type_->length()));
  if (kind_ == OrcKind::kDecimal) {
    w.varint_field(5, static_cast<uint64_t>(type_->precision()));
    w.varint_field(6, static_cast<uint64_t>(type_->scale()));
  }
  types->push_back(w.buffer());
  for (const auto& c : children_) c->append_types(types);
}

StatusOr<std::unique_ptr<ColumnWriter>> make_column_writer(const TypePtr& type, uint32_t* next_id) {
  uint32_t id = (*next_id)++;
  std::unique_ptr<ColumnWriter> w;
  switch (type->kind()) {
    case TypeKind::kBoolean:
      w.reset(new BoolWriter(id, OrcKind::kBoolean, type));
      break;
    case TypeKind::kTinyInt:
      w.reset(new ByteWriter(id, OrcKind::kByte, type));
      break;
    case TypeKind::kSmallInt:
      w.reset(new IntWriter(id, OrcKind::kShort, type));
      break;
    case TypeKind::kInt:
      w.reset(new IntWriter(id, OrcKind::kInt, type));
      break;
    case TypeKind::kBigInt:
      w.reset(new IntWriter(id, OrcKind::kLong, type));
      break;
    case TypeKind::kDate:
      w.reset(new IntWriter(id, OrcKind::kDate, type));
      break;
    case TypeKind::kFloat:
      w.reset(new FloatWriter(id, OrcKind::kFloat, type));
      break;
    case TypeKind::kDouble:
      w.reset(new FloatWriter(id, OrcKind::kDouble, type));
      break;
    case TypeKind::kNull:
    case TypeKind::kString:
      w.reset(new StringWriter(id, OrcKind::kString, type));
      break;
    case TypeKind::kVarchar:
      w.reset(new StringWriter(id, OrcKind::kVarchar, type));
      break;
    case TypeKind::kChar:
      w.reset(new StringWriter(id, OrcKind::kChar, type));
      break;
    case TypeKind::kBinary:
      w.reset(new StringWriter(id, OrcKind::kBinary, type));
      break;
    case TypeKind::kDecimal:
      w.reset(new DecimalWriter(id, OrcKind::kDecimal, type));
      w->scale_ = type->scale();
      break;
    case TypeKind::kTimestamp:
      w.reset(new TimestampWriter(id, OrcKind::kTimestamp, type));
      break;
    case TypeKind::kStruct:
      w.reset(new StructWriter(id, OrcKind::kStruct, type));
      break;
    case TypeKind::kArray:
      w.reset(new RepeatedWriter(id, OrcKind::kList, type));
      break;
    case TypeKind::kMap:
      w.reset(new RepeatedWriter(id, OrcKind::kMap, type));
      break;
    case TypeKind::kChoice:
      if (type->fields().empty() || type->fields().size() > 127) {
        return invalid_input("ORC unions hold 1..127 alternatives, not " +
                             std::to_string(type->fields().size()));
      }
      w.reset(new UnionWriter(id, OrcKind::kUnion, type));
      break;
  }
  for (const auto& f : type->fields()) {
    MORTAR_ASSIGN_OR_RETURN(auto child, make_column_writer(f.type, next_id));
    w->children_.push_back(std::move(child));
    if (type->kind() == TypeKind::kStruct) w->field_names_.push_back(f.name);
  }
  return w;
}

}  // namespace mortar::formats::orc
