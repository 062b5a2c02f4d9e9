#include "formats/orc/protobuf_reader.h"

#include <cstring>

namespace mortar::formats::orc {

void ProtoReader::fail(std::string_view what) {
  if (status_.ok()) {
    status_ =
        invalid_input("protobuf: " + std::string(what) + " at offset " + std::to_string(pos_));
  }
  pos_ = data_.size();
}

bool ProtoReader::next_field(uint32_t* field, WireType* type) {
  if (!ok() || at_end()) return false;
  uint64_t key = read_varint();
  if (!ok()) return false;
  uint64_t number = key >> 3;
  uint8_t wire = key & 7;
  if (number == 0 || number > 0x1FFFFFFF) {
    fail("bad field number " + std::to_string(number));
    return false;
  }
  if (wire == 3 || wire == 4 || wire > 5) {
    fail("unsupported wire type " + std::to_string(wire));
    return false;
  }
  *field = static_cast<uint32_t>(number);
  *type = static_cast<WireType>(wire);
  return true;
}

uint64_t ProtoReader::read_varint() {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) {
      fail("truncated varint");
      return 0;
    }
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return result;
  }
  fail("varint longer than 10 bytes");
  return 0;
}

uint32_t ProtoReader::read_fixed32() {
  if (data_.size() - pos_ < 4 || pos_ > data_.size()) {
    fail("truncated fixed32");
    return 0;
  }
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += 4;
  return v;
}

uint64_t ProtoReader::read_fixed64() {
  if (data_.size() - pos_ < 8 || pos_ > data_.size()) {
    fail("truncated fixed64");
    return 0;
  }
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += 8;
  return v;
}

double ProtoReader::read_double() {
  uint64_t bits = read_fixed64();
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

std::string_view ProtoReader::read_bytes() {
  uint64_t len = read_varint();
  if (!ok()) return {};
  if (len > data_.size() - pos_) {
    fail("length " + std::to_string(len) + " runs past the end of the message");
    return {};
  }
  std::string_view v = data_.substr(pos_, len);
  pos_ += len;
  return v;
}

void ProtoReader::skip(WireType type) {
  switch (type) {
    case WireType::kVarint:
      read_varint();
      break;
    case WireType::kFixed64:
      read_fixed64();
      break;
    case WireType::kFixed32:
      read_fixed32();
      break;
    case WireType::kLengthDelimited:
      read_bytes();
      break;
    default:
      fail("cannot skip wire type " + std::to_string(static_cast<int>(type)));
  }
}

void ProtoReader::read_repeated_varint(WireType type, std::vector<uint64_t>* out) {
  if (type == WireType::kVarint) {
    out->push_back(read_varint());
    return;
  }
  if (type != WireType::kLengthDelimited) {
    fail("repeated varint field with wire type " + std::to_string(static_cast<int>(type)));
    return;
  }
  ProtoReader packed(read_bytes());
  while (ok() && packed.ok() && !packed.at_end()) out->push_back(packed.read_varint());
  if (!packed.ok()) fail(status_message(packed.status()));
}

}  // namespace mortar::formats::orc
