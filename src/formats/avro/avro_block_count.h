// Counting an Avro container file's records without decoding them: every
// block starts with (long count, long byte size), so the walk hops from one
// block header to the next, reading only small windows around the headers
// and sync markers (ranged reads) and never a block's body as a whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "io/file_system.h"

namespace mortar::formats::avro {

struct AvroCountOptions {
  int64_t read_size = 64 * 1024;  // bytes per ranged read (the memory bound)
  int64_t max_reads = 16 * 1024;  // then the walk stops and estimates the rest
};

struct AvroRecordCount {
  int64_t records = 0;  // in the blocks walked
  int64_t blocks = 0;
  int64_t end_offset = 0;  // just past the last walked block's sync marker
  bool complete = false;   // every block to the end of the file was walked
  std::string problem;     // why the walk stopped early: corrupt/truncated, or the read budget

  // `records` when complete, else scaled to the whole file by the share of
  // its block bytes walked (0 when no block was).
  int64_t estimate(int64_t data_start, int64_t file_size) const;
};

// Walks the blocks of `file` from `data_start` (the first block, just after
// the header) whose sync marker is `sync`. Corrupt or truncated blocks end
// the walk with `problem` set (the count so far is kept); only read errors
// are returned as errors.
StatusOr<AvroRecordCount> count_avro_records(const io::RandomAccessFile& file, int64_t data_start,
                                             std::string_view sync,
                                             const AvroCountOptions& options = {});

}  // namespace mortar::formats::avro
