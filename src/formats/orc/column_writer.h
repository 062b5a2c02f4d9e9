// Encoders of Mortar columns into ORC streams, one writer per ORC column
// (children for nested types). Values are gathered raw for the stripe being
// built and encoded when it is flushed. Each writer keeps its column's
// statistics for the stripe and for the file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "formats/orc/orc_metadata.h"
#include "formats/orc/protobuf_writer.h"
#include "formats/orc/stats_builder.h"
#include "types/column.h"

namespace mortar::formats::orc {

struct OutStream {
  StreamKind kind;
  uint32_t column;
  std::string bytes;  // uncompressed
};

class ColumnWriter {
 public:
  virtual ~ColumnWriter() = default;
  // Appends the rows `rows` of `col` (indices into it).
  virtual void add(const types::Column& col, const std::vector<int64_t>& rows) = 0;
  // Encodes the stripe's values into `streams` (PRESENT only when a null
  // was seen) and resets for the next stripe.
  virtual void flush(std::vector<OutStream>* streams) = 0;
  // Raw bytes gathered for the current stripe (for sizing stripes).
  virtual int64_t buffered_bytes() const = 0;

  // Pre-order: this column's ORC type(s) appended to `types`.
  void append_types(std::vector<std::string>* types) const;
  uint32_t column() const { return column_; }
  const std::vector<std::unique_ptr<ColumnWriter>>& children() const { return children_; }
  OrcKind kind() const { return kind_; }
  const StatsBuilder& stripe_stats() const { return stripe_stats_; }
  const StatsBuilder& file_stats() const { return file_stats_; }
  // Every writer in the tree, pre-order.
  void collect(std::vector<ColumnWriter*>* out);
  void end_stripe_stats() {
    file_stats_.merge(stripe_stats_, kind_);
    stripe_stats_ = StatsBuilder{};
  }
  // The encoding of the stripe last flushed, and its dictionary size.
  EncodingKind encoding() const;
  uint64_t dictionary_size() const { return dictionary_size_; }
  int scale() const { return scale_; }

 public:
  ColumnWriter(uint32_t column, OrcKind kind, types::TypePtr type)
      : column_(column), kind_(kind), type_(std::move(type)) {}

 protected:
  // Records validity of `rows`; returns the valid ones.
  std::vector<int64_t> add_present(const types::Column& col, const std::vector<int64_t>& rows);
  void flush_present(std::vector<OutStream>* streams);

  friend StatusOr<std::unique_ptr<ColumnWriter>> make_column_writer(const types::TypePtr& type,
                                                                    uint32_t* next_id);
  uint32_t column_;
  OrcKind kind_;
  types::TypePtr type_;
  int scale_ = 0;
  std::vector<std::unique_ptr<ColumnWriter>> children_;
  std::vector<std::string> field_names_;
  std::vector<uint8_t> present_;
  bool stripe_has_null_ = false;
  std::optional<EncodingKind> stripe_encoding_;  // set by flush() where it varies
  uint64_t dictionary_size_ = 0;
  StatsBuilder stripe_stats_, file_stats_;
};

// The writer tree of `type`, numbering columns from *next_id (pre-order).
StatusOr<std::unique_ptr<ColumnWriter>> make_column_writer(const types::TypePtr& type,
                                                           uint32_t* next_id);

}  // namespace mortar::formats::orc
