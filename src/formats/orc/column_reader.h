// Decoders of one stripe's columns into Mortar columns, batch after batch.
// A reader owns the stateful decoders of its column's streams (PRESENT,
// DATA, LENGTH, DICTIONARY_DATA, SECONDARY); nested readers own their
// children's readers. ORC writes a child's values only for its parent's
// non-null rows, so read() takes the parent's validity and appends nulls
// for rows it marks null without consuming any stream.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/orc/orc_metadata.h"
#include "formats/orc/orc_schema.h"
#include "formats/orc/rle_decoders.h"
#include "types/column.h"

namespace mortar::formats::orc {

// The decompressed streams of the projected columns of one stripe.
struct StripeStreams {
  std::map<std::pair<uint32_t, uint64_t>, std::string> streams;  // (column, kind) -> bytes
  std::vector<ColumnEncoding> encodings;                         // by column id
  std::string writer_timezone;  // IANA name; plain timestamps are wall clock there
  // nullptr when absent.
  const std::string* find(uint32_t column, StreamKind kind) const {
    auto it = streams.find({column, static_cast<uint64_t>(kind)});
    return it == streams.end() ? nullptr : &it->second;
  }
};

class ColumnReader {
 public:
  explicit ColumnReader(const SchemaNode& node) : node_(node) {}
  virtual ~ColumnReader() = default;

  // Appends `rows` rows to `out`. `parent_valid` (nullable) has one byte per
  // row; rows with 0 there belong to a null parent: nothing is read for them
  // and they are appended as null. Errors name the column.
  Status read(int64_t rows, const uint8_t* parent_valid, types::Column& out);

 protected:
  virtual Status do_read(int64_t rows, const uint8_t* parent_valid, types::Column& out) = 0;
  // Sets valid_ for `rows` rows (parent validity and this column's PRESENT
  // stream); returns how many rows are non-null.
  StatusOr<int64_t> read_validity(int64_t rows, const uint8_t* parent_valid);
  Status init_present(const StripeStreams& streams);
  // A stream's bytes; empty when the writer left it out.
  StatusOr<std::string_view> stream(const StripeStreams& streams, StreamKind kind) const;
  bool rle_v2(const StripeStreams& streams) const;

  const SchemaNode& node_;
  std::unique_ptr<BooleanDecoder> present_;
  std::vector<uint8_t> valid_;
};

// The reader for `node` (and its children) over a stripe's streams; the
// streams must outlive it.
StatusOr<std::unique_ptr<ColumnReader>> make_column_reader(const SchemaNode& node,
                                                           const StripeStreams& streams);

// Primitive readers (primitive_readers.cc); make_column_reader dispatches.
StatusOr<std::unique_ptr<ColumnReader>> make_primitive_reader(const SchemaNode& node,
                                                              const StripeStreams& streams);

// Bound on the values one batch may expand to through list/map lengths.
inline constexpr int64_t kMaxChildValuesPerBatch = int64_t{1} << 27;

}  // namespace mortar::formats::orc
