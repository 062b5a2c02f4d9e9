#include "formats/parquet/thrift_compact.h"

#include <cstring>

namespace mortar::formats::parquet {

namespace {
constexpr int kMaxDepth = 60;
}

void ThriftReader::fail(std::string_view what) {
  if (status_.ok()) {
    status_ = invalid_input(std::string(what) + " at thrift offset " + std::to_string(pos_));
  }
  pos_ = data_.size();
}

uint8_t ThriftReader::next_byte() {
  if (pos_ >= data_.size()) {
    fail("unexpected end of thrift data");
    return 0;
  }
  return static_cast<uint8_t>(data_[pos_++]);
}

int64_t ThriftReader::read_varint() {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (!ok()) return 0;
    uint8_t b = next_byte();
    if (!ok()) return 0;
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return static_cast<int64_t>(result);
  }
  fail("varint too long");
  return 0;
}

int64_t ThriftReader::read_zigzag() {
  uint64_t v = static_cast<uint64_t>(read_varint());
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

int8_t ThriftReader::read_byte() { return static_cast<int8_t>(next_byte()); }

double ThriftReader::read_double() {
  if (data_.size() - pos_ < 8) {
    fail("unexpected end of thrift data");
    return 0;
  }
  double d;
  std::memcpy(&d, data_.data() + pos_, 8);
  pos_ += 8;
  return d;
}

std::string ThriftReader::read_binary() {
  int64_t len = read_varint();
  if (!ok()) return {};
  if (len < 0 || static_cast<uint64_t>(len) > data_.size() - pos_) {
    fail("binary length " + std::to_string(len) + " exceeds the data");
    return {};
  }
  std::string s(data_.substr(pos_, len));
  pos_ += len;
  return s;
}

void ThriftReader::begin_struct() {
  if (depth_ >= kMaxDepth) {
    fail("thrift nesting too deep");
    return;
  }
  field_stack_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void ThriftReader::end_struct() {
  if (depth_ > 0) last_field_id_ = field_stack_[--depth_];
}

bool ThriftReader::read_field_header(int16_t* id, TType* type) {
  if (!ok()) return false;
  uint8_t b = next_byte();
  if (!ok()) return false;
  uint8_t t = b & 0x0f;
  if (t == 0) return false;  // stop
  if (t > 12) {
    fail("bad thrift field type " + std::to_string(t));
    return false;
  }
  int delta = b >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    *id = static_cast<int16_t>(read_zigzag());
  }
  last_field_id_ = *id;
  *type = static_cast<TType>(t);
  return ok();
}

void ThriftReader::read_list_header(TType* elem_type, int64_t* size) {
  uint8_t b = next_byte();
  int64_t n = b >> 4;
  if (n == 15) n = read_varint();
  *elem_type = static_cast<TType>(b & 0x0f);
  // Every element takes at least one byte (except empty structs, which take
  // one for the stop), so the remaining bytes bound the count.
  if (n < 0 || static_cast<uint64_t>(n) > data_.size() - pos_) {
    fail("list size " + std::to_string(n) + " exceeds the data");
    n = 0;
  }
  *size = ok() ? n : 0;
}

bool ThriftReader::read_bool_element() { return next_byte() == 1; }

void ThriftReader::skip(TType type, int depth) {
  if (depth > kMaxDepth) {
    fail("thrift nesting too deep");
    return;
  }
  switch (type) {
    case TType::kBoolTrue:
    case TType::kBoolFalse:
      return;  // value carried in the field header
    case TType::kByte:
      next_byte();
      return;
    case TType::kI16:
    case TType::kI32:
    case TType::kI64:
      read_varint();
      return;
    case TType::kDouble:
      read_double();
      return;
    case TType::kBinary: {
      int64_t len = read_varint();
      if (len < 0 || static_cast<uint64_t>(len) > data_.size() - pos_) {
        fail("binary length exceeds the data");
        return;
      }
      pos_ += len;
      return;
    }
    case TType::kList:
    case TType::kSet: {
      TType et;
      int64_t n;
      read_list_header(&et, &n);
      for (int64_t i = 0; i < n && ok(); ++i) {
        if (et == TType::kBoolTrue || et == TType::kBoolFalse) {
          next_byte();
        } else {
          skip(et, depth + 1);
        }
      }
      return;
    }
    case TType::kMap: {
      int64_t n = read_varint();
      if (n < 0 || static_cast<uint64_t>(n) > data_.size() - pos_) {
        fail("map size exceeds the data");
        return;
      }
      if (n == 0) return;
      uint8_t kv = next_byte();
      TType kt = static_cast<TType>(kv >> 4), vt = static_cast<TType>(kv & 0x0f);
      for (int64_t i = 0; i < n && ok(); ++i) {
        if (kt == TType::kBoolTrue || kt == TType::kBoolFalse) next_byte(); else skip(kt, depth + 1);
        if (vt == TType::kBoolTrue || vt == TType::kBoolFalse) next_byte(); else skip(vt, depth + 1);
      }
      return;
    }
    case TType::kStruct: {
      begin_struct();
      int16_t id;
      TType ft;
      while (read_field_header(&id, &ft)) skip(ft, depth + 1);
      end_struct();
      return;
    }
    default:
      fail("bad thrift type " + std::to_string(static_cast<int>(type)));
  }
}

// ---------------------------------------------------------------- writer --

void ThriftWriter::begin_struct() {
  field_stack_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void ThriftWriter::end_struct() {
  write_byte(0);
  if (depth_ > 0) last_field_id_ = field_stack_[--depth_];
}

void ThriftWriter::field_header(int16_t id, TType type) {
  int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    write_byte(static_cast<uint8_t>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    write_byte(static_cast<uint8_t>(type));
    write_zigzag(id);
  }
  last_field_id_ = id;
}

void ThriftWriter::field_i32(int16_t id, int32_t v) {
  field_header(id, TType::kI32);
  write_zigzag(v);
}

void ThriftWriter::field_i64(int16_t id, int64_t v) {
  field_header(id, TType::kI64);
  write_zigzag(v);
}

void ThriftWriter::field_bool(int16_t id, bool v) {
  field_header(id, v ? TType::kBoolTrue : TType::kBoolFalse);
}

void ThriftWriter::field_byte(int16_t id, int8_t v) {
  field_header(id, TType::kByte);
  write_byte(static_cast<uint8_t>(v));
}

void ThriftWriter::field_binary(int16_t id, std::string_view v) {
  field_header(id, TType::kBinary);
  write_binary(v);
}

void ThriftWriter::list_header(TType elem_type, int64_t size) {
  if (size < 15) {
    write_byte(static_cast<uint8_t>((size << 4) | static_cast<uint8_t>(elem_type)));
  } else {
    write_byte(static_cast<uint8_t>(0xf0 | static_cast<uint8_t>(elem_type)));
    write_varint(static_cast<uint64_t>(size));
  }
}

void ThriftWriter::write_varint(uint64_t v) {
  while (v >= 0x80) {
    write_byte(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  write_byte(static_cast<uint8_t>(v));
}

void ThriftWriter::write_binary(std::string_view v) {
  write_varint(v.size());
  out_.append(v);
}

}  // namespace mortar::formats::parquet
