#include "formats/orc/protobuf_writer.h"

#include <cstring>

namespace mortar::formats::orc {

void ProtoWriter::double_field(uint32_t field, double v) {
  key(field, 1);
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void ProtoWriter::packed_varints(uint32_t field, const std::vector<uint64_t>& values) {
  ProtoWriter inner;
  for (uint64_t v : values) inner.varint(v);
  bytes_field(field, inner.buffer());
}

}  // namespace mortar::formats::orc
