// ParquetReader: a RecordReader over one Parquet file. Reads the footer
// first (ranged reads only), then one row group at a time: the selected
// columns' chunks are decoded and assembled, and handed out in batches of
// ReadOptions::batch_rows. Memory is bounded by a row group's selected
// column chunks. Row groups whose statistics fail ReadOptions::prune are
// skipped unread.
#pragma once

#include <memory>
#include <string>

#include "formats/format.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/schema.h"

namespace mortar::formats::parquet {

class ParquetReader : public RecordReader {
 public:
  static StatusOr<std::unique_ptr<ParquetReader>> open(std::unique_ptr<io::RandomAccessFile> file,
                                                       const ReadOptions& options);

  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

  const FileMetaData& metadata() const { return metadata_; }
  // Row groups skipped by the pruning predicate so far.
  int row_groups_pruned() const { return pruned_; }

 private:
  ParquetReader() = default;
  Status read_row_group(int index);
  std::map<std::string, ColumnStats> row_group_stats(const RowGroup& rg) const;

  std::unique_ptr<io::RandomAccessFile> file_;
  ReadOptions options_;
  FileMetaData metadata_;
  FileSchema file_schema_;
  std::vector<const FieldNode*> selected_;
  types::TypePtr schema_;
  int next_row_group_ = 0;
  int pruned_ = 0;
  std::unique_ptr<types::RecordBatch> current_;
  int64_t current_offset_ = 0;
};

// Statistics bytes of a leaf as text of its Mortar type (for pruning), or
// nullopt when the leaf's statistics cannot be trusted or decoded.
std::optional<std::string> stat_to_string(const FieldNode& leaf, const std::string& bytes);

}  // namespace mortar::formats::parquet
