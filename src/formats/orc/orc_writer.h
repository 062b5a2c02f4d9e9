// OrcWriter: a RecordWriter producing ORC files (file version 0.12): RLE v2
// integers, dictionary (when values repeat) or direct strings, PRESENT
// streams only where a stripe has nulls, column statistics per stripe and
// for the file, no row index. Stripes are cut at `stripeSize` bytes of
// gathered values (default 64 MiB); chunks of `compressionBlockSize`
// (256 KiB) are compressed with `compression`: zlib (the default, as ORC's),
// snappy, zstd, lz4 or none. Plain timestamps are written as wall clock with
// writer time zone UTC.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/format.h"
#include "formats/orc/column_writer.h"
#include "formats/orc/orc_metadata.h"

namespace mortar::formats::orc {

class OrcWriter : public RecordWriter {
 public:
  static StatusOr<std::unique_ptr<OrcWriter>> open(std::unique_ptr<io::OutputStream> out,
                                                   types::TypePtr schema,
                                                   const WriteOptions& options);
  Status write(const types::RecordBatch& batch) override;
  Status close() override;
  // The bytes of the stripe being built.
  int64_t buffered_bytes() const override { return buffered_; }
  // Ends the stripe being built (none when it is empty).
  Status flush() override;

 private:
  OrcWriter() = default;
  Status flush_stripe();
  StatusOr<std::string> compress(std::string_view bytes) const;
  Status emit(std::string_view bytes);

  std::unique_ptr<io::OutputStream> out_;
  types::TypePtr schema_;
  CompressionKind compression_ = CompressionKind::kZlib;
  int64_t block_size_ = 256 * 1024;
  int64_t stripe_size_ = int64_t{64} << 20;
  std::unique_ptr<ColumnWriter> root_;
  std::vector<ColumnWriter*> columns_;  // pre-order, index = column id
  int64_t offset_ = 0;                  // bytes written so far
  int64_t stripe_rows_ = 0;
  int64_t buffered_ = 0;  // the columns' buffered bytes after the last write
  uint64_t total_rows_ = 0;
  std::vector<StripeInformation> stripes_;
  std::vector<std::string> stripe_stats_;  // serialized StripeStatistics
  bool closed_ = false;
};

}  // namespace mortar::formats::orc
