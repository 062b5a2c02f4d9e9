// Codec names and detection, block (de)compression and the streaming
// wrappers. The per-codec work is in decoders.cc, encoders.cc and
// snappy_stream.cc.
#include "io/compression.h"

#include <brotli/encode.h>
#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>

#include "common/ascii.h"
#include "io/decoder.h"

namespace mortar::io {
namespace {

Status too_large(int64_t max_output) {
  return limit_exceeded("decompressed data exceeds the limit of " + std::to_string(max_output) +
                        " bytes");
}

// Runs a decoder over a whole block, never holding more than max_output bytes.
StatusOr<std::string> run_decoder(Decoder& d, std::string_view in, int64_t expected,
                                  int64_t max_output) {
  std::string out;
  size_t cap = static_cast<size_t>(max_output);
  size_t initial = expected >= 0 ? static_cast<size_t>(expected)
                                 : std::max<size_t>(in.size() * 4, 64 * 1024);
  out.resize(std::min(initial, cap));
  size_t in_pos = 0, out_pos = 0;
  while (true) {
    if (out_pos == out.size()) {
      if (out.size() >= cap) {
        // Full at the limit: fine only if the decoder has nothing more to give.
        char probe;
        size_t c = 0, p = 0;
        MORTAR_RETURN_IF_ERROR(d.decode(in.data() + in_pos, in.size() - in_pos, true, &probe, 1, &c, &p));
        in_pos += c;
        if (p > 0) return too_large(max_output);
        if (c == 0) break;
        continue;
      }
      out.resize(std::min(cap, std::max<size_t>(out.size() * 2, 64 * 1024)));
    }
    size_t consumed = 0, produced = 0;
    MORTAR_RETURN_IF_ERROR(d.decode(in.data() + in_pos, in.size() - in_pos, true,
                                    out.data() + out_pos, out.size() - out_pos, &consumed, &produced));
    in_pos += consumed;
    out_pos += produced;
    if (consumed == 0 && produced == 0) {
      if (out_pos < out.size()) break;  // no progress with room to spare: input exhausted
    }
  }
  if (!d.can_end()) {
    return invalid_input("truncated or corrupt compressed data (stopped at byte " +
                         std::to_string(in_pos) + " of " + std::to_string(in.size()) + ")");
  }
  if (in_pos != in.size()) {
    return invalid_input("trailing bytes after compressed data at byte " + std::to_string(in_pos));
  }
  out.resize(out_pos);
  if (expected >= 0 && static_cast<int64_t>(out.size()) != expected) {
    return invalid_input("decompressed " + std::to_string(out.size()) + " bytes, expected " +
                         std::to_string(expected));
  }
  return out;
}

StatusOr<std::string> lz4_raw_block(std::string_view in, int64_t expected, int64_t max_output) {
  if (in.size() > static_cast<size_t>(INT32_MAX)) return invalid_input("lz4 block too large");
  if (expected >= 0) {
    std::string out(static_cast<size_t>(expected), '\0');
    MORTAR_RETURN_IF_ERROR(lz4_raw_decompress(in, out.data(), out.size()));
    return out;
  }
  // Size unknown: grow the buffer until the block fits (lz4 expands at most ~255x).
  int64_t limit = std::min<int64_t>(max_output, static_cast<int64_t>(in.size()) * 255 + 64);
  limit = std::min<int64_t>(limit, INT32_MAX);
  int64_t cap = std::min<int64_t>(limit, std::max<int64_t>(in.size() * 4, 1024));
  std::string out;
  while (true) {
    out.resize(static_cast<size_t>(cap));
    int r = LZ4_decompress_safe(in.data(), out.data(), static_cast<int>(in.size()), static_cast<int>(cap));
    if (r >= 0) {
      out.resize(static_cast<size_t>(r));
      return out;
    }
    if (cap >= limit) break;
    cap = std::min(limit, cap * 2);
  }
  return invalid_input("corrupt lz4 block (or larger than " + std::to_string(limit) + " bytes)");
}

// An InputStream that replays bytes already read from `in` (sniffed magic).
class PrefixedStream : public InputStream {
 public:
  PrefixedStream(std::string prefix, std::unique_ptr<InputStream> in)
      : prefix_(std::move(prefix)), in_(std::move(in)) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min<size_t>(static_cast<size_t>(n), prefix_.size() - pos_);
      std::copy_n(prefix_.data() + pos_, k, buffer);
      pos_ += k;
      return static_cast<int64_t>(k);
    }
    return in_->read(buffer, n);
  }
  const std::string& path() const override { return in_->path(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<InputStream> in_;
};

class DecompressingStream : public InputStream {
 public:
  static constexpr size_t kBufferSize = 256 * 1024;
  DecompressingStream(std::unique_ptr<InputStream> in, std::unique_ptr<Decoder> d, Codec codec)
      : in_(std::move(in)), decoder_(std::move(d)), codec_(codec) {
    buffer_.resize(kBufferSize);
  }

  StatusOr<int64_t> read(char* out, int64_t n) override {
    if (n <= 0 || done_) return 0;
    while (true) {
      if (pos_ == len_ && !eof_) {
        auto r = in_->read(buffer_.data(), static_cast<int64_t>(buffer_.size()));
        if (!r.ok()) return r.status();
        pos_ = 0;
        len_ = static_cast<size_t>(*r);
        if (*r == 0) eof_ = true;
      }
      size_t consumed = 0, produced = 0;
      Status s = decoder_->decode(buffer_.data() + pos_, len_ - pos_, eof_, out,
                                  static_cast<size_t>(n), &consumed, &produced);
      if (!s.ok()) return annotate(s, where());
      pos_ += consumed;
      offset_ += static_cast<int64_t>(consumed);
      if (produced > 0) return static_cast<int64_t>(produced);
      if (consumed == 0 && pos_ == len_ && eof_) {
        if (!decoder_->can_end()) {
          return annotate(invalid_input("truncated compressed stream"), where());
        }
        done_ = true;
        return 0;
      }
      if (consumed == 0 && pos_ < len_) {
        return annotate(invalid_input("decoder made no progress"), where());
      }
    }
  }
  const std::string& path() const override { return in_->path(); }

 private:
  std::string where() const {
    return "decompressing " + in_->path() + " (" + std::string(codec_name(codec_)) +
           ") at compressed byte " + std::to_string(offset_);
  }
  std::unique_ptr<InputStream> in_;
  std::unique_ptr<Decoder> decoder_;
  Codec codec_;
  std::string buffer_;
  size_t pos_ = 0, len_ = 0;
  int64_t offset_ = 0;
  bool eof_ = false, done_ = false;
};

class CompressingStream : public OutputStream {
 public:
  static constexpr size_t kFlushAt = 256 * 1024;
  CompressingStream(std::unique_ptr<OutputStream> out, std::unique_ptr<Encoder> e)
      : out_(std::move(out)), encoder_(std::move(e)) {}

  Status write(std::string_view bytes) override {
    if (closed_) return invalid_input("write to a closed stream");
    MORTAR_RETURN_IF_ERROR(encoder_->encode(bytes, &buffer_));
    if (buffer_.size() >= kFlushAt) {
      MORTAR_RETURN_IF_ERROR(out_->write(buffer_));
      buffer_.clear();
    }
    return ok_status();
  }
  Status close() override {
    if (closed_) return invalid_input("stream already closed");
    closed_ = true;
    MORTAR_RETURN_IF_ERROR(encoder_->finish(&buffer_));
    MORTAR_RETURN_IF_ERROR(out_->write(buffer_));
    buffer_.clear();
    return out_->close();
  }

 private:
  std::unique_ptr<OutputStream> out_;
  std::unique_ptr<Encoder> encoder_;
  std::string buffer_;
  bool closed_ = false;
};

}  // namespace

Status snappy_raw_decompress(std::string_view in, char* out, size_t size) {
  size_t n = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &n)) {
    return invalid_input("corrupt snappy block: bad length header");
  }
  if (n != size) {
    return invalid_input("corrupt snappy block: holds " + std::to_string(n) + " bytes, expected " +
                         std::to_string(size));
  }
  if (!snappy::RawUncompress(in.data(), in.size(), out)) return invalid_input("corrupt snappy block");
  return ok_status();
}

Status lz4_raw_decompress(std::string_view in, char* out, size_t size) {
  if (in.size() > static_cast<size_t>(INT32_MAX) || size > static_cast<size_t>(INT32_MAX)) {
    return invalid_input("lz4 block too large");
  }
  int r = LZ4_decompress_safe(in.data(), out, static_cast<int>(in.size()), static_cast<int>(size));
  if (r < 0) return invalid_input("corrupt lz4 block");
  if (static_cast<size_t>(r) != size) {
    return invalid_input("corrupt lz4 block: holds " + std::to_string(r) + " bytes, expected " +
                         std::to_string(size));
  }
  return ok_status();
}

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNone: return "none";
    case Codec::kGzip: return "gzip";
    case Codec::kBzip2: return "bzip2";
    case Codec::kZstd: return "zstd";
    case Codec::kSnappyFramed: return "snappy";
    case Codec::kSnappyRaw: return "snappy_raw";
    case Codec::kLz4Frame: return "lz4";
    case Codec::kLz4Raw: return "lz4_raw";
    case Codec::kLz4Hadoop: return "lz4_hadoop";
    case Codec::kXz: return "xz";
    case Codec::kBrotli: return "brotli";
    case Codec::kDeflateRaw: return "deflate";
    case Codec::kZlib: return "zlib";
  }
  return "unknown";
}

Codec codec_from_extension(std::string_view path) {
  std::string p = ascii_lower(path.substr(path.size() > 16 ? path.size() - 16 : 0));
  auto ends = [&](std::string_view ext) { return p.ends_with(ext); };
  if (ends(".gz") || ends(".gzip")) return Codec::kGzip;
  if (ends(".bz2")) return Codec::kBzip2;
  if (ends(".zst") || ends(".zstd")) return Codec::kZstd;
  if (ends(".snappy") || ends(".sz")) return Codec::kSnappyFramed;
  if (ends(".lz4")) return Codec::kLz4Frame;
  if (ends(".xz")) return Codec::kXz;
  if (ends(".br")) return Codec::kBrotli;
  if (ends(".deflate")) return Codec::kZlib;  // Hadoop's DefaultCodec: zlib-wrapped
  return Codec::kNone;
}

Codec codec_from_magic(std::string_view h) {
  auto starts = [&](std::string_view m) { return h.starts_with(m); };
  if (starts("\x1f\x8b\x08")) return Codec::kGzip;
  if (h.size() >= 10 && starts("BZh") && h[3] >= '1' && h[3] <= '9' &&
      (h.substr(4, 6) == "\x31\x41\x59\x26\x53\x59" || h.substr(4, 6) == "\x17\x72\x45\x38\x50\x90")) {
    return Codec::kBzip2;
  }
  if (starts("\x28\xb5\x2f\xfd")) return Codec::kZstd;
  if (starts(std::string_view("\xfd" "7zXZ\x00", 6))) return Codec::kXz;
  if (starts("\x04\x22\x4d\x18")) return Codec::kLz4Frame;
  if (starts(std::string_view("\xff\x06\x00\x00sNaPpY", 10))) return Codec::kSnappyFramed;
  return Codec::kNone;
}

StatusOr<Codec> codec_from_name(std::string_view name) {
  std::string n = ascii_lower(name);
  if (n.empty() || n == "none" || n == "uncompressed") return Codec::kNone;
  if (n == "gzip" || n == "gz") return Codec::kGzip;
  if (n == "bzip2" || n == "bz2") return Codec::kBzip2;
  if (n == "zstd" || n == "zstandard") return Codec::kZstd;
  if (n == "snappy") return Codec::kSnappyFramed;
  if (n == "snappy_raw") return Codec::kSnappyRaw;
  if (n == "lz4") return Codec::kLz4Frame;
  if (n == "lz4_raw") return Codec::kLz4Raw;
  if (n == "lz4_hadoop") return Codec::kLz4Hadoop;
  if (n == "xz") return Codec::kXz;
  if (n == "brotli") return Codec::kBrotli;
  if (n == "deflate") return Codec::kDeflateRaw;
  if (n == "zlib") return Codec::kZlib;
  return invalid_input("unknown compression '" + std::string(name.substr(0, 40)) +
                       "' (expected none, gzip, bzip2, zstd, snappy, lz4, xz, brotli, deflate)");
}

StatusOr<std::string> decompress_block(Codec codec, std::string_view input,
                                       int64_t uncompressed_size, int64_t max_output) {
  if (max_output < 0) return invalid_input("negative max_output");
  if (uncompressed_size > max_output) {
    return limit_exceeded("uncompressed size " + std::to_string(uncompressed_size) +
                          " exceeds the limit of " + std::to_string(max_output) + " bytes");
  }
  switch (codec) {
    case Codec::kNone:
      if (static_cast<int64_t>(input.size()) > max_output) return too_large(max_output);
      if (uncompressed_size >= 0 && static_cast<int64_t>(input.size()) != uncompressed_size) {
        return invalid_input("uncompressed block holds " + std::to_string(input.size()) +
                             " bytes, expected " + std::to_string(uncompressed_size));
      }
      return std::string(input);
    case Codec::kSnappyRaw: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &n)) {
        return invalid_input("corrupt snappy block: bad length header");
      }
      if (static_cast<uint64_t>(n) > static_cast<uint64_t>(max_output)) return too_large(max_output);
      std::string out(n, '\0');
      MORTAR_RETURN_IF_ERROR(snappy_raw_decompress(input, out.data(), n));
      if (uncompressed_size >= 0 && static_cast<int64_t>(n) != uncompressed_size) {
        return invalid_input("snappy block holds " + std::to_string(n) + " bytes, expected " +
                             std::to_string(uncompressed_size));
      }
      return out;
    }
    case Codec::kLz4Raw: return lz4_raw_block(input, uncompressed_size, max_output);
    case Codec::kLz4Hadoop: {
      // Parquet's old LZ4 is Hadoop-framed in parquet-mr's files but plain lz4
      // blocks in some older writers: try the framing, then a raw block.
      auto d = make_hadoop_decoder(Codec::kLz4Raw);
      auto framed = run_decoder(*d, input, uncompressed_size, max_output);
      if (framed.ok()) return framed;
      auto raw = lz4_raw_block(input, uncompressed_size, max_output);
      if (raw.ok()) return raw;
      return framed.status();
    }
    default: {
      MORTAR_ASSIGN_OR_RETURN(auto d, make_decoder(codec));
      auto out = run_decoder(*d, input, uncompressed_size, max_output);
      if (!out.ok()) return annotate(out.status(), codec_name(codec));
      return out;
    }
  }
}

StatusOr<std::string> compress_block(Codec codec, std::string_view input, int level) {
  switch (codec) {
    case Codec::kNone: return std::string(input);
    case Codec::kSnappyRaw: {
      std::string out(snappy::MaxCompressedLength(input.size()), '\0');
      size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out.data(), &n);
      out.resize(n);
      return out;
    }
    case Codec::kLz4Raw:
    case Codec::kLz4Hadoop: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) {
        return invalid_input("block too large for lz4");
      }
      size_t header = codec == Codec::kLz4Hadoop ? 8 : 0;
      std::string out(header + LZ4_compressBound(static_cast<int>(input.size())), '\0');
      int n = LZ4_compress_default(input.data(), out.data() + header, static_cast<int>(input.size()),
                                   static_cast<int>(out.size() - header));
      if (n <= 0 && !input.empty()) return internal_error("lz4 compression failed");
      if (header) {
        auto put_be32 = [&](size_t at, uint32_t v) {
          for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(v >> (24 - 8 * i));
        };
        put_be32(0, static_cast<uint32_t>(input.size()));
        put_be32(4, static_cast<uint32_t>(n));
        if (input.empty()) n = -4;  // an empty block is just the zero size
      }
      out.resize(header + n);
      return out;
    }
    case Codec::kBrotli: {
      int quality = level ? std::clamp(level, 0, 11) : 6;
      std::string out(BrotliEncoderMaxCompressedSize(input.size()) + 16, '\0');
      size_t n = out.size();
      if (!BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, input.size(),
                                 reinterpret_cast<const uint8_t*>(input.data()), &n,
                                 reinterpret_cast<uint8_t*>(out.data()))) {
        return internal_error("brotli compression failed");
      }
      out.resize(n);
      return out;
    }
    case Codec::kZstd: {
      std::string out(ZSTD_compressBound(input.size()), '\0');
      size_t n = ZSTD_compress(out.data(), out.size(), input.data(), input.size(), level ? level : 3);
      if (ZSTD_isError(n)) return internal_error(std::string("zstd: ") + ZSTD_getErrorName(n));
      out.resize(n);
      return out;
    }
    default: {
      MORTAR_ASSIGN_OR_RETURN(auto e, make_encoder(codec, level));
      std::string out;
      MORTAR_RETURN_IF_ERROR(e->encode(input, &out));
      MORTAR_RETURN_IF_ERROR(e->finish(&out));
      return out;
    }
  }
}

StatusOr<std::unique_ptr<InputStream>> decompressing_stream(std::unique_ptr<InputStream> in,
                                                            Codec codec) {
  if (codec == Codec::kNone) return in;
  MORTAR_ASSIGN_OR_RETURN(auto d, make_decoder(codec));
  return std::unique_ptr<InputStream>(new DecompressingStream(std::move(in), std::move(d), codec));
}

StatusOr<std::unique_ptr<OutputStream>> compressing_stream(std::unique_ptr<OutputStream> out,
                                                           Codec codec, int level) {
  if (codec == Codec::kNone) return out;
  MORTAR_ASSIGN_OR_RETURN(auto e, make_encoder(codec, level));
  return std::unique_ptr<OutputStream>(new CompressingStream(std::move(out), std::move(e)));
}

StatusOr<std::unique_ptr<InputStream>> open_decompressed(FileSystem& fs, const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto in, fs.open_input(path));
  // Sniff the magic, then replay it.
  std::string head(16, '\0');
  size_t got = 0;
  while (got < head.size()) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, in->read(head.data() + got, static_cast<int64_t>(head.size() - got)));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  head.resize(got);
  Codec by_magic = codec_from_magic(head);
  Codec codec = by_magic != Codec::kNone ? by_magic : codec_from_extension(path);
  // .lz4 without the frame magic is Hadoop's block framing.
  if (codec == Codec::kLz4Frame && by_magic != Codec::kLz4Frame) codec = Codec::kLz4Hadoop;
  auto replay = std::make_unique<PrefixedStream>(std::move(head), std::move(in));
  return decompressing_stream(std::move(replay), codec);
}

}  // namespace mortar::io
