// OrcReader: a RecordReader over one ORC file. Opens by reading the tail
// (postscript, footer; the stripe statistics only when pruning) with ranged
// reads from the end; then one stripe at a time: the stripe footer, then the
// projected columns' streams (only those), decompressed, decoded batch by
// batch. Memory is bounded by one stripe's projected streams plus a batch.
// Stripes whose statistics fail ReadOptions::prune are skipped unread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/format.h"
#include "formats/orc/column_reader.h"
#include "formats/orc/orc_compression.h"
#include "formats/orc/orc_metadata.h"
#include "formats/orc/orc_schema.h"

namespace mortar::formats::orc {

class OrcReader : public RecordReader {
 public:
  static StatusOr<std::unique_ptr<OrcReader>> open(std::unique_ptr<io::RandomAccessFile> file,
                                                   const ReadOptions& options);

  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

  const PostScript& postscript() const { return postscript_; }
  const Footer& footer() const { return footer_; }
  // Stripes skipped by the pruning predicate so far.
  int stripes_pruned() const { return pruned_; }

 private:
  OrcReader() = default;
  Status read_tail();
  Status load_stripe(int index);
  Status fail_at(int64_t offset, const std::string& what) const;

  std::unique_ptr<io::RandomAccessFile> file_;
  ReadOptions options_;
  PostScript postscript_;
  Footer footer_;
  std::vector<StripeStatistics> stripe_stats_;
  CompressionSettings compression_;
  int64_t metadata_offset_ = 0;
  std::unique_ptr<SchemaNode> root_;
  std::vector<const SchemaNode*> selected_;
  std::vector<bool> column_wanted_;  // by column id
  types::TypePtr schema_;
  int next_stripe_ = 0;
  int pruned_ = 0;
  // The stripe being read.
  int stripe_ = -1;
  StripeStreams streams_;
  std::vector<std::unique_ptr<ColumnReader>> readers_;
  int64_t rows_left_ = 0;
};

}  // namespace mortar::formats::orc
