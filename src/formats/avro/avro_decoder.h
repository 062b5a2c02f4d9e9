// Avro binary decoding of one value into a column, over a bounded buffer.
// Every length and count is checked against the bytes that remain, so
// corrupt input gives an error, never a huge allocation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "formats/avro/avro_schema.h"
#include "types/column.h"

namespace mortar::formats::avro {

class Cursor {
 public:
  // `data` is a block's (decompressed) data; errors say "<where> +<pos>".
  Cursor(std::string_view data, std::string where) : data_(data), where_(std::move(where)) {}

  int64_t position() const { return pos_; }
  int64_t remaining() const { return static_cast<int64_t>(data_.size()) - pos_; }
  Status error(std::string_view what) const;

  StatusOr<int64_t> read_long();
  StatusOr<std::string_view> read_bytes();  // length-prefixed
  StatusOr<std::string_view> read_fixed(int64_t n);

 private:
  std::string_view data_;
  int64_t pos_ = 0;
  std::string where_;
};

// Decodes one value of `node` from `in` and appends it to `out`.
Status decode_value(const AvroNode& node, Cursor& in, types::Column& out, int depth = 0);

}  // namespace mortar::formats::avro
