// Small whole-file helpers (tests, sniffing, small side files). Data files
// should be streamed, not read whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "io/file_system.h"

namespace mortar::io {

// Reads the rest of `in`; more than max_bytes -> ResourceExhausted.
StatusOr<std::string> read_all(InputStream& in, int64_t max_bytes);
// Reads a whole file (decompressing when `decompress`, by magic/extension).
StatusOr<std::string> read_file(FileSystem& fs, const std::string& path, int64_t max_bytes,
                                bool decompress = false);
// Up to `n` leading bytes of a file, decompressed when it is compressed: what
// Format::sniff wants.
StatusOr<std::string> read_head(FileSystem& fs, const std::string& path, int64_t n);
// Reads from `in` appending to `buffer` until it holds `target` bytes or the
// stream ends (then sets *eof).
// The refill step of every buffered text reader (CSV, JSON ...).
Status fill_buffer(InputStream& in, std::string& buffer, size_t target, bool* eof);
// Writes a whole file atomically (temp + rename).
Status write_file(FileSystem& fs, const std::string& path, std::string_view data);

}  // namespace mortar::io
