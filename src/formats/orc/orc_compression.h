// ORC's compression framing: a compressed stream is a sequence of chunks,
// each with a 3-byte little-endian header (length << 1 | is_original), the
// body either stored as is or compressed with the file's codec (ZLIB is raw
// deflate, SNAPPY and LZ4 raw blocks, ZSTD frames).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "formats/orc/orc_metadata.h"

namespace mortar::formats::orc {

struct CompressionSettings {
  CompressionKind kind = CompressionKind::kNone;
  int64_t block_size = 256 * 1024;        // a chunk never decompresses to more
  int64_t max_output = int64_t{1} << 30;  // bound on one whole stream
};

// The decompressed bytes of a whole stream. Errors name the offset of the
// bad chunk within `raw`.
StatusOr<std::string> decompress_stream(std::string_view raw, const CompressionSettings& settings);

}  // namespace mortar::formats::orc
