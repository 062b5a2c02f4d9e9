// ParquetWriter: a RecordWriter producing one Parquet file. Batches are
// shredded into per-leaf levels and values (column_writer.h); a row group
// is flushed when it reaches `rowGroupRows` rows (default 1M) or `blockSize`
// buffered bytes (default 128 MiB). format_options: "compression"
// (snappy default, zstd, gzip, lz4, brotli, none/uncompressed), "blockSize",
// "rowGroupRows", "pageSize" (default 1 MiB), "enableDictionary"
// (true), "dictionaryPageSize" (1 MiB), and "metadata.<key>" entries that
// become key-value metadata. Nothing is visible at the path before close().
// flush() ends a row group early (a partitioned sink bounding its memory).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/format.h"
#include "formats/parquet/column_writer.h"
#include "formats/parquet/schema.h"

namespace mortar::formats::parquet {

class ParquetWriter : public RecordWriter {
 public:
  static StatusOr<std::unique_ptr<ParquetWriter>> open(std::unique_ptr<io::OutputStream> out,
                                                       const std::string& path,
                                                       types::TypePtr schema,
                                                       const WriteOptions& options);
  Status write(const types::RecordBatch& batch) override;
  bool can_write_rows() const override { return true; }
  Status write_rows(const std::vector<const types::Column*>& columns, const int64_t* rows, int64_t n) override;
  Status close() override;
  // The memory the row group being built holds.
  int64_t buffered_bytes() const override;
  // Ends the row group being built (none when it is empty).
  Status flush() override;
  int64_t row_groups() const { return static_cast<int64_t>(metadata_.row_groups.size()); }

 private:
  ParquetWriter() = default;
  Status check_columns(const std::vector<const types::Column*>& columns) const;
  // Rows [0, n) of `columns`, or rows[0, n) when `rows` is set, cut into
  // row groups.
  Status append(const std::vector<const types::Column*>& columns, const int64_t* rows, int64_t n);
  // Shreds rows [begin, end) (through `rows` when set) into the column writers.
  void shred(const std::vector<const types::Column*>& columns, const int64_t* rows, int64_t begin, int64_t end);
  Status flush_row_group();
  Status emit(std::string_view bytes);

  std::unique_ptr<io::OutputStream> out_;
  std::string path_;
  types::TypePtr schema_;
  FileMetaData metadata_;
  FileSchema file_schema_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;  // by leaf index
  int64_t encode_threads_ = 2;  // threads that encode a row group's column chunks
  int64_t row_group_rows_ = 1 << 20;
  int64_t block_size_ = int64_t{128} << 20;
  int64_t buffered_rows_ = 0;
  int64_t buffered_bytes_ = 0;
  int64_t offset_ = 0;
  bool closed_ = false;
};

}  // namespace mortar::formats::parquet
