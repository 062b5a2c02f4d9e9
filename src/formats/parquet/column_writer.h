// Buffers one leaf column's levels and values for the current row group and
// encodes them as a column chunk: an optional dictionary page (dropped for
// PLAIN when the dictionary grows, or is projected to grow, past its limit),
// v1 data pages cut at record boundaries, compression, and
// min/max/null-count statistics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/schema.h"
#include "io/compression.h"

namespace mortar::formats::parquet {

struct ColumnWriterOptions {
  CompressionCodec codec = CompressionCodec::kSnappy;
  int64_t page_size = 1 << 20;
  int64_t dictionary_page_size = 1 << 20;
  bool dictionary = true;
};

class ColumnWriter {
 public:
  ColumnWriter(const FieldNode& leaf, std::vector<std::string> path, const ColumnWriterOptions& options);

  // Levels and values, in the leaf's physical representation (booleans one
  // byte each, FIXED_LEN_BYTE_ARRAY `type_length` bytes).
  void add_level(int16_t def, int16_t rep) {
    if (leaf_.max_def > 0) def_.push_back(def);
    if (leaf_.max_rep > 0) rep_.push_back(rep);
    ++num_entries_;
    if (def < leaf_.max_def) ++null_count_;
  }
  std::vector<char>& fixed() { return fixed_; }
  void add_bytes(std::string_view v) {
    data_.insert(data_.end(), v.begin(), v.end());
    offsets_.push_back(static_cast<int64_t>(data_.size()));
  }
  // Appends byte strings [begin, end) of an offsets+data column in one copy.
  void add_bytes_bulk(const int64_t* offsets, const char* data, int64_t begin, int64_t end) {
    int64_t base = static_cast<int64_t>(data_.size()) - offsets[begin];
    data_.insert(data_.end(), data + offsets[begin], data + offsets[end]);
    for (int64_t i = begin + 1; i <= end; ++i) offsets_.push_back(offsets[i] + base);
  }
  // Appends byte strings rows[0, n) of an offsets+data column.
  void add_bytes_gather(const int64_t* offsets, const char* data, const int64_t* rows, int64_t n);
  // Bulk: entries for a flat column (no repetition).
  std::vector<int16_t>& def_levels() { return def_; }
  void add_entries(int64_t n, int64_t nulls) {
    num_entries_ += n;
    null_count_ += nulls;
  }

  // About the encoded size of the buffered values (what blockSize bounds).
  int64_t buffered_bytes() const {
    return static_cast<int64_t>(fixed_.size() + data_.size() + offsets_.size() * 4 + def_.size() / 4 + rep_.size() / 4);
  }
  // The memory the buffers hold.
  int64_t memory_bytes() const {
    return static_cast<int64_t>(fixed_.capacity() + data_.capacity() + offsets_.capacity() * sizeof(int64_t) +
                                (def_.capacity() + rep_.capacity()) * sizeof(int16_t));
  }
  // Whether the last row group's dictionary overflowed (the column was
  // written PLAIN); the next row group then gives up sooner.
  bool fell_back() const { return fell_back_; }

  // Encodes the buffered data as a chunk starting at `file_offset`, appends
  // it to `out`, fills `meta` and resets the buffers. Different ColumnWriters
  // may flush at the same time (the writer encodes a row group in parallel).
  Status flush(int64_t file_offset, std::string* out, ColumnMetaData* meta);

 private:
  int64_t num_values() const { return physical_width_ ? fixed_.size() / physical_width_ : offsets_.size() - 1; }
  bool build_dictionary(std::vector<uint32_t>* indices, std::string* dict_plain, int64_t* dict_count);
  Statistics statistics() const;
  Status write_page(PageHeader header, std::string_view body, int64_t file_offset, std::string* out,
                    int64_t* uncompressed_total);

  const FieldNode& leaf_;
  std::vector<std::string> path_;
  ColumnWriterOptions options_;
  int physical_width_;
  std::vector<int16_t> def_, rep_;
  std::vector<char> fixed_;
  std::vector<int64_t> offsets_{0};
  std::vector<char> data_;
  int64_t num_entries_ = 0;
  int64_t null_count_ = 0;
  std::vector<std::string_view> dict_keys_;  // BYTE_ARRAY dictionary of the row group being flushed
  bool fell_back_ = false;
};

}  // namespace mortar::formats::parquet
