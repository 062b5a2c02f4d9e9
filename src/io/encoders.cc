// Incremental encoders: deflate (gzip/zlib/raw), zstd, snappy framing format,
// lz4 frame, bzip2, xz.
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>

#include "io/crc32c.h"
#include "io/decoder.h"

namespace mortar::io {
namespace {

constexpr size_t kStep = 1u << 20;  // input fed per library call (32-bit APIs)

class DeflateEncoder : public Encoder {
 public:
  DeflateEncoder(int window_bits, int level) {
    stream_ = {};
    ok_ = deflateInit2(&stream_, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~DeflateEncoder() override {
    if (ok_) deflateEnd(&stream_);
  }
  Status encode(std::string_view in, std::string* out) override { return run(in, Z_NO_FLUSH, out); }
  Status finish(std::string* out) override { return run({}, Z_FINISH, out); }

 private:
  Status run(std::string_view in, int flush, std::string* out) {
    if (!ok_) return internal_error("deflate initialisation failed");
    do {
      size_t take = std::min(in.size(), kStep);
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      stream_.avail_in = static_cast<uInt>(take);
      int f = take == in.size() ? flush : Z_NO_FLUSH;
      int ret;
      do {
        char buf[65536];
        stream_.next_out = reinterpret_cast<Bytef*>(buf);
        stream_.avail_out = sizeof(buf);
        ret = deflate(&stream_, f);
        if (ret == Z_STREAM_ERROR) return internal_error("deflate failed");
        out->append(buf, sizeof(buf) - stream_.avail_out);
      } while (stream_.avail_out == 0 || (f == Z_FINISH && ret != Z_STREAM_END));
      in.remove_prefix(take);
    } while (!in.empty());
    return ok_status();
  }
  z_stream stream_;
  bool ok_ = false;
};

class ZstdEncoder : public Encoder {
 public:
  explicit ZstdEncoder(int level) : ctx_(ZSTD_createCCtx()) {
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_checksumFlag, 1);
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(ctx_); }
  Status encode(std::string_view in, std::string* out) override { return run(in, ZSTD_e_continue, out); }
  Status finish(std::string* out) override { return run({}, ZSTD_e_end, out); }

 private:
  Status run(std::string_view in, ZSTD_EndDirective mode, std::string* out) {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    while (true) {
      char buf[65536];
      ZSTD_outBuffer ob{buf, sizeof(buf), 0};
      size_t ret = ZSTD_compressStream2(ctx_, &ob, &ib, mode);
      if (ZSTD_isError(ret)) return internal_error(std::string("zstd: ") + ZSTD_getErrorName(ret));
      out->append(buf, ob.pos);
      bool done = mode == ZSTD_e_end ? ret == 0 : ib.pos == ib.size;
      if (done) return ok_status();
    }
  }
  ZSTD_CCtx* ctx_;
};

// Chunks of at most 64 KiB, each compressed (or stored when that does not
// pay), with the masked CRC-32C of the uncompressed bytes.
class SnappyFramedEncoder : public Encoder {
 public:
  static constexpr size_t kChunk = 65536;
  Status encode(std::string_view in, std::string* out) override {
    if (!started_) {
      out->append("\xff\x06\x00\x00sNaPpY", 10);
      started_ = true;
    }
    while (!in.empty()) {
      size_t take = std::min(in.size(), kChunk - pending_.size());
      pending_.append(in.substr(0, take));
      in.remove_prefix(take);
      if (pending_.size() == kChunk) emit(out);
    }
    return ok_status();
  }
  Status finish(std::string* out) override {
    MORTAR_RETURN_IF_ERROR(encode({}, out));
    if (!pending_.empty()) emit(out);
    return ok_status();
  }

 private:
  void emit(std::string* out) {
    uint32_t crc = crc32c_mask(crc32c(pending_));
    compressed_.resize(snappy::MaxCompressedLength(pending_.size()));
    size_t n = 0;
    snappy::RawCompress(pending_.data(), pending_.size(), compressed_.data(), &n);
    bool store = n >= pending_.size() - pending_.size() / 8;
    std::string_view body = store ? std::string_view(pending_) : std::string_view(compressed_.data(), n);
    size_t len = body.size() + 4;
    char header[8] = {static_cast<char>(store ? 0x01 : 0x00), static_cast<char>(len & 0xFF),
                      static_cast<char>((len >> 8) & 0xFF), static_cast<char>((len >> 16) & 0xFF),
                      static_cast<char>(crc & 0xFF), static_cast<char>((crc >> 8) & 0xFF),
                      static_cast<char>((crc >> 16) & 0xFF), static_cast<char>(crc >> 24)};
    out->append(header, 8);
    out->append(body);
    pending_.clear();
  }
  bool started_ = false;
  std::string pending_;
  std::string compressed_;
};

class Lz4FrameEncoder : public Encoder {
 public:
  explicit Lz4FrameEncoder(int level) {
    prefs_ = {};
    prefs_.compressionLevel = level;
    prefs_.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    if (LZ4F_isError(LZ4F_createCompressionContext(&ctx_, LZ4F_VERSION))) ctx_ = nullptr;
  }
  ~Lz4FrameEncoder() override {
    if (ctx_) LZ4F_freeCompressionContext(ctx_);
  }
  Status encode(std::string_view in, std::string* out) override {
    if (!ctx_) return internal_error("lz4 initialisation failed");
    if (!started_) {
      char header[LZ4F_HEADER_SIZE_MAX];
      size_t n = LZ4F_compressBegin(ctx_, header, sizeof(header), &prefs_);
      if (LZ4F_isError(n)) return internal_error(LZ4F_getErrorName(n));
      out->append(header, n);
      started_ = true;
    }
    while (!in.empty()) {
      size_t take = std::min(in.size(), kStep);
      buf_.resize(LZ4F_compressBound(take, &prefs_));
      size_t n = LZ4F_compressUpdate(ctx_, buf_.data(), buf_.size(), in.data(), take, nullptr);
      if (LZ4F_isError(n)) return internal_error(LZ4F_getErrorName(n));
      out->append(buf_.data(), n);
      in.remove_prefix(take);
    }
    return ok_status();
  }
  Status finish(std::string* out) override {
    MORTAR_RETURN_IF_ERROR(encode({}, out));
    buf_.resize(LZ4F_compressBound(0, &prefs_));
    size_t n = LZ4F_compressEnd(ctx_, buf_.data(), buf_.size(), nullptr);
    if (LZ4F_isError(n)) return internal_error(LZ4F_getErrorName(n));
    out->append(buf_.data(), n);
    return ok_status();
  }

 private:
  LZ4F_cctx* ctx_ = nullptr;
  LZ4F_preferences_t prefs_;
  bool started_ = false;
  std::string buf_;
};

class Bzip2Encoder : public Encoder {
 public:
  explicit Bzip2Encoder(int level) {
    stream_ = {};
    ok_ = BZ2_bzCompressInit(&stream_, std::clamp(level, 1, 9), 0, 0) == BZ_OK;
  }
  ~Bzip2Encoder() override {
    if (ok_) BZ2_bzCompressEnd(&stream_);
  }
  Status encode(std::string_view in, std::string* out) override { return run(in, BZ_RUN, out); }
  Status finish(std::string* out) override { return run({}, BZ_FINISH, out); }

 private:
  Status run(std::string_view in, int action, std::string* out) {
    if (!ok_) return internal_error("bzip2 initialisation failed");
    if (in.empty() && action == BZ_RUN) return ok_status();
    static char dummy = 0;  // libbz2 rejects a null next_in even with avail_in 0
    do {
      size_t take = std::min(in.size(), kStep);
      stream_.next_in = in.empty() ? &dummy : const_cast<char*>(in.data());
      stream_.avail_in = static_cast<unsigned>(take);
      int a = take == in.size() ? action : BZ_RUN;
      while (true) {
        char buf[65536];
        stream_.next_out = buf;
        stream_.avail_out = sizeof(buf);
        int ret = BZ2_bzCompress(&stream_, a);
        if (ret < 0) return internal_error("bzip2 compression failed");
        out->append(buf, sizeof(buf) - stream_.avail_out);
        if (a == BZ_FINISH ? ret == BZ_STREAM_END : stream_.avail_in == 0) break;
      }
      in.remove_prefix(take);
    } while (!in.empty());
    return ok_status();
  }
  bz_stream stream_;
  bool ok_ = false;
};

class XzEncoder : public Encoder {
 public:
  explicit XzEncoder(int level) {
    ok_ = lzma_easy_encoder(&stream_, static_cast<uint32_t>(std::clamp(level, 0, 9)),
                            LZMA_CHECK_CRC64) == LZMA_OK;
  }
  ~XzEncoder() override { lzma_end(&stream_); }
  Status encode(std::string_view in, std::string* out) override { return run(in, LZMA_RUN, out); }
  Status finish(std::string* out) override { return run({}, LZMA_FINISH, out); }

 private:
  Status run(std::string_view in, lzma_action action, std::string* out) {
    if (!ok_) return internal_error("xz initialisation failed");
    stream_.next_in = reinterpret_cast<const uint8_t*>(in.data());
    stream_.avail_in = in.size();
    while (true) {
      uint8_t buf[65536];
      stream_.next_out = buf;
      stream_.avail_out = sizeof(buf);
      lzma_ret ret = lzma_code(&stream_, action);
      if (ret != LZMA_OK && ret != LZMA_STREAM_END) return internal_error("xz compression failed");
      out->append(reinterpret_cast<char*>(buf), sizeof(buf) - stream_.avail_out);
      if (action == LZMA_FINISH ? ret == LZMA_STREAM_END : stream_.avail_in == 0) break;
    }
    return ok_status();
  }
  lzma_stream stream_ = LZMA_STREAM_INIT;
  bool ok_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<Encoder>> make_encoder(Codec codec, int level) {
  switch (codec) {
    case Codec::kGzip:
      return std::unique_ptr<Encoder>(new DeflateEncoder(16 + MAX_WBITS, level ? level : 6));
    case Codec::kZlib: return std::unique_ptr<Encoder>(new DeflateEncoder(MAX_WBITS, level ? level : 6));
    case Codec::kDeflateRaw:
      return std::unique_ptr<Encoder>(new DeflateEncoder(-MAX_WBITS, level ? level : 6));
    case Codec::kZstd: return std::unique_ptr<Encoder>(new ZstdEncoder(level ? level : 3));
    case Codec::kSnappyFramed: return std::unique_ptr<Encoder>(new SnappyFramedEncoder());
    case Codec::kLz4Frame: return std::unique_ptr<Encoder>(new Lz4FrameEncoder(level));
    case Codec::kBzip2: return std::unique_ptr<Encoder>(new Bzip2Encoder(level ? level : 9));
    case Codec::kXz: return std::unique_ptr<Encoder>(new XzEncoder(level ? level : 6));
    default:
      return unimplemented("no stream encoder for codec " + std::string(codec_name(codec)));
  }
}

}  // namespace mortar::io
