// A hand-written reader of the protobuf wire format, enough for ORC's file
// tail and stripe footers (no libprotobuf/protoc). Every read is bounds
// checked; the first failure sticks (later reads return zeros) so parsers
// read straight-line and check status() once. Nothing is allocated that the
// input bytes do not pay for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::formats::orc {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: rejected
  kEndGroup = 4,
  kFixed32 = 5,
};

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view data) : data_(data) {}

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ >= data_.size(); }

  // The next field's number and wire type; false at the end of the message
  // or on error.
  bool next_field(uint32_t* field, WireType* type);

  uint64_t read_varint();
  int64_t read_sint64() {  // zigzag
    uint64_t v = read_varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  uint32_t read_fixed32();
  uint64_t read_fixed64();
  double read_double();
  // A length-delimited value (string, bytes or sub-message), a view into the input.
  std::string_view read_bytes();
  // Skips a value of the given wire type.
  void skip(WireType type);
  // A repeated varint field, packed (length-delimited) or one element.
  void read_repeated_varint(WireType type, std::vector<uint64_t>* out);

  void fail(std::string_view what);

 private:
  std::string_view data_;
  size_t pos_ = 0;
  Status status_;
};

}  // namespace mortar::formats::orc
