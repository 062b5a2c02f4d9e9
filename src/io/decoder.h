// Internal to io/: incremental decoders and encoders behind one interface, so
// block (de)compression and the streaming wrappers share each codec's code.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "io/compression.h"

namespace mortar::io {

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Consumes up to in_len bytes and produces up to out_cap bytes. `last` says
  // no input follows what is passed. Concatenated members (gzip, bzip2, zstd,
  // xz, lz4 frames) are decoded in sequence. No progress (both counts 0) means
  // more input or more output room is needed.
  virtual Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                        size_t* consumed, size_t* produced) = 0;
  // True when the input may legitimately end here (a member is complete and
  // all its output delivered).
  virtual bool can_end() const = 0;
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  // Appends compressed bytes for `in` to *out (possibly none yet).
  virtual Status encode(std::string_view in, std::string* out) = 0;
  // Appends the remaining compressed bytes and the trailer.
  virtual Status finish(std::string* out) = 0;
};

// Decoders for kGzip, kZlib, kDeflateRaw, kZstd, kBzip2, kXz, kBrotli,
// kLz4Frame, kSnappyFramed (also reads Hadoop-framed snappy streams) and
// kLz4Hadoop (Hadoop-framed lz4 streams). Others -> InvalidArgument.
StatusOr<std::unique_ptr<Decoder>> make_decoder(Codec codec);
// Encoders for kGzip, kZlib, kDeflateRaw, kZstd, kSnappyFramed, kLz4Frame,
// kBzip2, kXz. Others -> Unimplemented.
StatusOr<std::unique_ptr<Encoder>> make_encoder(Codec codec, int level);

// Hadoop block framing (BE32 uncompressed size, then BE32-length compressed
// chunks) over a raw codec; used for snappy and lz4.
std::unique_ptr<Decoder> make_hadoop_decoder(Codec raw_codec);
std::unique_ptr<Decoder> make_snappy_stream_decoder();

// Raw block codecs with a known output size (exactly `size` bytes expected).
Status snappy_raw_decompress(std::string_view in, char* out, size_t size);
Status lz4_raw_decompress(std::string_view in, char* out, size_t size);

}  // namespace mortar::io
