// Streaming CSV reader: reads blocks (blockSize bytes, 8 MiB by default),
// tokenizes the complete records of each, converts them into batches of at
// most ReadOptions::batch_rows rows. A record split by a block boundary is
// carried to the next block. Large uncompressed inputs are parsed by two
// threads: the block is split at a newline and the second half tokenized
// speculatively as if it started a record; the guess is checked against the
// first half's end state and, when wrong (the newline was inside quotes),
// the block is re-tokenized by one thread. Conversion of row ranges runs on
// both threads. Memory is bounded by the block size (a single record larger
// than a block grows it, up to maxRecordSize: a longer record is refused as
// soon as that many bytes of it have streamed in).
// Not thread-safe (one consumer), as RecordReader.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "formats/csv/csv_converter.h"
#include "formats/csv/csv_options.h"
#include "formats/format.h"
#include "io/file_system.h"
#include "io/read_buffer.h"

namespace mortar::formats::csv {

class CsvReader : public RecordReader {
 public:
  static StatusOr<std::unique_ptr<CsvReader>> open(io::FileSystem& fs, const std::string& path,
                                                   const ReadOptions& options);
  // Reads from an already-open (decompressed) stream; `parallel` allows two threads.
  static StatusOr<std::unique_ptr<CsvReader>> open_stream(std::unique_ptr<io::InputStream> in,
                                                          const std::string& path,
                                                          const ReadOptions& options,
                                                          bool parallel);

  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

  // The header names (or col0..), available after open.
  const std::vector<std::string>& column_names() const { return names_; }

 private:
  CsvReader() = default;
  Status init(const ReadOptions& options);
  // Reads until the buffer holds `target` bytes or the stream ends.
  Status fill(size_t target);
  // Tokenizes the buffer, growing it until at least one record is complete.
  Status tokenize_block(CsvIndex* index);
  Status tokenize_parallel(CsvIndex* index);
  // The located error for the record at buf_[at], longer than maxRecordSize;
  // `what` starts the message ("record", "record of N bytes is").
  Status record_too_long(size_t at, const std::string& what) const;
  // Drops the first `bytes` of the buffer (consumed records).
  void consume(size_t bytes, int64_t lines);
  Status produce_batches();
  // wholeFileSchema: reads the rest of the file, widening the inferred
  // columns that hold values their type does not parse to choice<type,string>
  // (as the converter does per batch).
  Status widen_past_sample(const std::vector<int>& sources);

  std::unique_ptr<io::InputStream> in_;
  std::string path_;
  CsvOptions options_;
  int64_t batch_rows_ = 65536;
  bool parallel_ = false;
  bool schema_only_ = false;  // the stream was consumed by widen_past_sample
  io::ReadBuffer buf_;
  bool eof_ = false;
  int64_t base_offset_ = 0;  // file offset of buf_[0]
  int64_t base_line_ = 1;    // line number of buf_[0]
  size_t block_size_ = 0;
  std::vector<std::string> names_;
  types::TypePtr schema_;
  std::unique_ptr<CsvConverter> converter_;
  std::deque<std::unique_ptr<types::RecordBatch>> ready_;
  CsvIndex index_;
  CsvIndex index2_;
};

}  // namespace mortar::formats::csv
