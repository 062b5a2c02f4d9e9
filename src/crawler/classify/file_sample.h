// The first bytes of a file, decompressed, read only as far as a classifier
// needs: compression is found by magic bytes, then by suffix (gzip, bzip2,
// zstd, snappy, lz4, xz, brotli, and a zip archive holding one file), and the
// stream is decompressed lazily as the sample is extended.
// Not thread-safe: one SampleReader per classify() call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "io/file_system.h"

namespace mortar::crawler {

class SampleReader {
 public:
  // Opens `path` and reads its first bytes to find the compression. A file
  // that cannot be opened is an error naming the path.
  static StatusOr<std::unique_ptr<SampleReader>> open(io::FileSystem& fs, const std::string& path);

  // Makes data() hold at least `bytes` decompressed bytes, or the whole
  // (decompressed) file when it is shorter. Corrupt compressed data is an
  // error naming the path and the codec.
  Status extend_to(int64_t bytes);

  const std::string& data() const { return data_; }
  // True once the end of the (decompressed) file was reached.
  bool complete() const { return eof_; }
  // Glue's compressionType spelling ("gzip", "bzip2", "zstd", "snappy",
  // "lz4", "xz", "brotli", "zip"), or "" when the file is not compressed.
  const std::string& compression() const { return compression_; }
  // Compressed bytes consumed so far (for estimating counts of big files).
  int64_t raw_consumed() const;

 private:
  SampleReader() = default;

  std::string path_;
  std::string compression_;
  std::unique_ptr<io::InputStream> in_;
  class CountingStream* counter_ = nullptr;  // owned by the stream chain
  std::string data_;
  bool eof_ = false;
};

}  // namespace mortar::crawler
