#include "formats/orc/column_reader.h"

#include <numeric>

namespace mortar::formats::orc {

using types::Column;

Status ColumnReader::read(int64_t rows, const uint8_t* parent_valid, Column& out) {
  Status s = do_read(rows, parent_valid, out);
  if (s.ok() || status_message(s).substr(0, 7) == "column ") return s;
  return annotate(s, "column " + std::to_string(node_.column) +
                         (node_.path.empty() ? "" : " (" + node_.path + ")"));
}

Status ColumnReader::init_present(const StripeStreams& streams) {
  if (const std::string* p = streams.find(node_.column, StreamKind::kPresent)) {
    present_ = std::make_unique<BooleanDecoder>(*p);
  }
  return ok_status();
}

StatusOr<std::string_view> ColumnReader::stream(const StripeStreams& streams,
                                                StreamKind kind) const {
  // Writers may leave out the streams of a column without values in a
  // stripe: an absent stream reads as empty (and fails if values are wanted).
  const std::string* s = streams.find(node_.column, kind);
  return s ? std::string_view(*s) : std::string_view();
}

bool ColumnReader::rle_v2(const StripeStreams& streams) const {
  EncodingKind k = streams.encodings[node_.column].kind;
  return k == EncodingKind::kDirectV2 || k == EncodingKind::kDictionaryV2;
}

StatusOr<int64_t> ColumnReader::read_validity(int64_t rows, const uint8_t* parent_valid) {
  valid_.resize(static_cast<size_t>(rows));
  if (parent_valid) {
    std::copy(parent_valid, parent_valid + rows, valid_.begin());
  } else {
    std::fill(valid_.begin(), valid_.end(), 1);
  }
  int64_t present_rows =
      parent_valid ? std::accumulate(valid_.begin(), valid_.end(), int64_t{0}) : rows;
  if (!present_) return present_rows;
  if (present_rows == rows) {
    MORTAR_RETURN_IF_ERROR(present_->next(valid_.data(), rows));
  } else {
    // Only rows of non-null parents have a PRESENT bit.
    std::vector<uint8_t> bits(static_cast<size_t>(present_rows));
    MORTAR_RETURN_IF_ERROR(present_->next(bits.data(), present_rows));
    size_t k = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (valid_[r]) valid_[r] = bits[k++];
    }
  }
  return std::accumulate(valid_.begin(), valid_.end(), int64_t{0});
}

}  // namespace mortar::formats::orc
