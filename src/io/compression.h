// Compression codecs. Streams for whole-file compression (CSV/JSON files
// named *.gz, *.zst ...), blocks for formats that compress pages/chunks
// (Parquet, Avro, ORC).
//
// Read: gzip, bzip2, zstd, snappy (framed and raw), lz4 (frame and raw), xz,
// brotli. Write: gzip, zstd, snappy (framed for files, raw for blocks).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "io/file_system.h"

namespace mortar::io {

enum class Codec {
  kNone,
  kGzip,
  kBzip2,
  kZstd,
  kSnappyFramed,  // the snappy framing format (files: .snappy / .sz)
  kSnappyRaw,     // raw snappy blocks (Parquet, Avro)
  kLz4Frame,      // .lz4 files
  kLz4Raw,        // raw lz4 blocks (Parquet LZ4_RAW)
  kLz4Hadoop,     // Hadoop-framed lz4 blocks (Parquet's old LZ4)
  kXz,
  kBrotli,
  kDeflateRaw,    // raw deflate (Avro "deflate")
  kZlib,          // zlib-wrapped deflate (ORC uses raw deflate; see orc)
};

std::string_view codec_name(Codec codec);
// By file extension (".gz", ".bz2", ".zst", ".snappy", ".sz", ".lz4", ".xz",
// ".br"); kNone when unknown.
Codec codec_from_extension(std::string_view path);
// By the first bytes of a file (gzip, bzip2, zstd, xz, lz4 frame, snappy
// frame magics); kNone when unknown.
Codec codec_from_magic(std::string_view head);
// Name as Glue/Spark options spell it ("gzip", "snappy", "zstd", "none"...).
StatusOr<Codec> codec_from_name(std::string_view name);

// Block (de)compression. `uncompressed_size` is the expected size when the
// format knows it (Parquet, raw snappy/lz4 need it or read it); decompression
// never produces more than `max_output` bytes (caps memory on corrupt input).
StatusOr<std::string> decompress_block(Codec codec, std::string_view input,
                                       int64_t uncompressed_size, int64_t max_output);
StatusOr<std::string> compress_block(Codec codec, std::string_view input, int level = 0);

// Streaming wrappers.
StatusOr<std::unique_ptr<InputStream>> decompressing_stream(std::unique_ptr<InputStream> in,
                                                            Codec codec);
StatusOr<std::unique_ptr<OutputStream>> compressing_stream(std::unique_ptr<OutputStream> out,
                                                           Codec codec, int level = 0);

// Opens `path` for reading, decompressing by extension or, failing that, by
// magic bytes.
StatusOr<std::unique_ptr<InputStream>> open_decompressed(FileSystem& fs, const std::string& path);

}  // namespace mortar::io
