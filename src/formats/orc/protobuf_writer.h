// The protobuf wire format, writing side: fields appended to a buffer, sub-
// messages written into their own ProtoWriter and added as bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::formats::orc {

class ProtoWriter {
 public:
  void varint_field(uint32_t field, uint64_t v) {
    key(field, 0);
    varint(v);
  }
  void sint_field(uint32_t field, int64_t v) {
    varint_field(field, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void double_field(uint32_t field, double v);
  void bytes_field(uint32_t field, std::string_view v) {
    key(field, 2);
    varint(v.size());
    out_.append(v);
  }
  void packed_varints(uint32_t field, const std::vector<uint64_t>& values);

  const std::string& buffer() const { return out_; }
  std::string& buffer() { return out_; }

 private:
  void key(uint32_t field, int wire) { varint((static_cast<uint64_t>(field) << 3) | wire); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }

  std::string out_;
};

}  // namespace mortar::formats::orc
