// Streaming JSON reader. Input is JSON Lines or any sequence of JSON
// documents (concatenated, pretty-printed, or one top-level array); records
// are the documents, the elements of a top-level array, or what the
// `jsonPath` option selects in each document ("$.records[*]"). Blocks of
// blockSize bytes (8 MiB) are parsed with simdjson's document stream; a
// document cut by the block end is carried over (a single document larger
// than a block, e.g. one big array, grows the block up to maxRecordSize,
// default 64 MiB: a longer document is refused as soon as that much of it
// has streamed in).
//
// Without ReadOptions::schema, the schema is inferred from the first
// inferSampleRows records (default 10000) of the first block, merging
// across records (see json_inference.h). Records that are not objects
// read as one column "value". Options: jsonPath, inferSampleRows,
// blockSize, maxRecordSize (the longest document in bytes, format_options.h),
// multiLine (accepted; any layout is read).
// Not thread-safe, as RecordReader.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "formats/format.h"
#include "io/file_system.h"

namespace mortar::formats::json {

class JsonReader : public RecordReader {
 public:
  static StatusOr<std::unique_ptr<RecordReader>> open(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options);
  static StatusOr<std::unique_ptr<RecordReader>> open_stream(std::unique_ptr<io::InputStream> in,
                                                             const std::string& path,
                                                             const ReadOptions& options);
};

}  // namespace mortar::formats::json
