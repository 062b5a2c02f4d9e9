// Incremental decoders over zlib, zstd, bzip2, liblzma, brotli and lz4frame.
#include <brotli/decode.h>
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>

#include "io/decoder.h"

namespace mortar::io {
namespace {

constexpr uint64_t kXzMemoryLimit = 1ull << 30;
// The libraries take 32-bit sizes: feed them at most this much per call.
constexpr size_t kMaxStep = 1u << 30;

Status corrupt(std::string_view codec, std::string_view detail) {
  return invalid_input("corrupt " + std::string(codec) + " data: " + std::string(detail));
}

class ZlibDecoder : public Decoder {
 public:
  ZlibDecoder(int window_bits, bool multi_member, std::string_view name)
      : window_bits_(window_bits), multi_member_(multi_member), name_(name) {
    stream_ = {};
    init_ok_ = inflateInit2(&stream_, window_bits_) == Z_OK;
  }
  ~ZlibDecoder() override {
    if (init_ok_) inflateEnd(&stream_);
  }

  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    *consumed = *produced = 0;
    if (!init_ok_) return internal_error("zlib initialisation failed");
    if (member_done_) {
      if (in_len == 0) return ok_status();
      if (!multi_member_) return corrupt(name_, "trailing bytes after the end of the stream");
      inflateReset(&stream_);
      member_done_ = false;
    }
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    stream_.avail_in = static_cast<uInt>(std::min(in_len, kMaxStep));
    stream_.next_out = reinterpret_cast<Bytef*>(out);
    stream_.avail_out = static_cast<uInt>(std::min(out_cap, kMaxStep));
    uInt in_before = stream_.avail_in, out_before = stream_.avail_out;
    int ret = inflate(&stream_, Z_NO_FLUSH);
    *consumed = in_before - stream_.avail_in;
    *produced = out_before - stream_.avail_out;
    if (ret == Z_STREAM_END) {
      member_done_ = true;
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      return corrupt(name_, stream_.msg ? stream_.msg : "inflate error " + std::to_string(ret));
    }
    return ok_status();
  }
  bool can_end() const override { return member_done_; }

 private:
  z_stream stream_;
  int window_bits_;
  bool multi_member_;
  std::string_view name_;
  bool init_ok_ = false;
  bool member_done_ = false;
};

class ZstdDecoder : public Decoder {
 public:
  ZstdDecoder() : ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecoder() override { ZSTD_freeDCtx(ctx_); }

  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    ZSTD_inBuffer ib{in, in_len, 0};
    ZSTD_outBuffer ob{out, out_cap, 0};
    size_t ret = ZSTD_decompressStream(ctx_, &ob, &ib);
    *consumed = ib.pos;
    *produced = ob.pos;
    if (ZSTD_isError(ret)) return corrupt("zstd", ZSTD_getErrorName(ret));
    if (ib.pos > 0 || ob.pos > 0) frame_done_ = ret == 0;
    return ok_status();
  }
  bool can_end() const override { return frame_done_; }

 private:
  ZSTD_DCtx* ctx_;
  bool frame_done_ = false;
};

class Bzip2Decoder : public Decoder {
 public:
  Bzip2Decoder() { init(); }
  ~Bzip2Decoder() override {
    if (init_ok_) BZ2_bzDecompressEnd(&stream_);
  }

  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    *consumed = *produced = 0;
    if (member_done_) {
      if (in_len == 0) return ok_status();
      BZ2_bzDecompressEnd(&stream_);
      init();
      member_done_ = false;
    }
    if (!init_ok_) return internal_error("bzip2 initialisation failed");
    if (out_cap == 0) return ok_status();
    stream_.next_in = const_cast<char*>(in);
    stream_.avail_in = static_cast<unsigned>(std::min(in_len, kMaxStep));
    stream_.next_out = out;
    stream_.avail_out = static_cast<unsigned>(std::min(out_cap, kMaxStep));
    unsigned in_before = stream_.avail_in, out_before = stream_.avail_out;
    int ret = BZ2_bzDecompress(&stream_);
    *consumed = in_before - stream_.avail_in;
    *produced = out_before - stream_.avail_out;
    if (ret == BZ_STREAM_END) {
      member_done_ = true;
    } else if (ret != BZ_OK) {
      return corrupt("bzip2", "error " + std::to_string(ret));
    }
    return ok_status();
  }
  bool can_end() const override { return member_done_; }

 private:
  void init() {
    stream_ = {};
    init_ok_ = BZ2_bzDecompressInit(&stream_, 0, 0) == BZ_OK;
  }
  bz_stream stream_;
  bool init_ok_ = false;
  bool member_done_ = false;
};

class XzDecoder : public Decoder {
 public:
  XzDecoder() {
    init_ok_ = lzma_stream_decoder(&stream_, kXzMemoryLimit, LZMA_CONCATENATED) == LZMA_OK;
  }
  ~XzDecoder() override { lzma_end(&stream_); }

  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    *consumed = *produced = 0;
    if (!init_ok_) return internal_error("xz initialisation failed");
    if (done_) {
      if (in_len) return corrupt("xz", "trailing bytes after the end of the stream");
      return ok_status();
    }
    stream_.next_in = reinterpret_cast<const uint8_t*>(in);
    stream_.avail_in = in_len;
    stream_.next_out = reinterpret_cast<uint8_t*>(out);
    stream_.avail_out = out_cap;
    lzma_ret ret = lzma_code(&stream_, last ? LZMA_FINISH : LZMA_RUN);
    *consumed = in_len - stream_.avail_in;
    *produced = out_cap - stream_.avail_out;
    switch (ret) {
      case LZMA_STREAM_END: done_ = true; return ok_status();
      case LZMA_OK:
      case LZMA_BUF_ERROR: return ok_status();
      case LZMA_MEMLIMIT_ERROR: return limit_exceeded("xz stream needs more than 1 GiB of memory");
      case LZMA_FORMAT_ERROR: return corrupt("xz", "not an xz stream");
      case LZMA_OPTIONS_ERROR: return corrupt("xz", "unsupported options");
      case LZMA_DATA_ERROR: return corrupt("xz", "data error");
      default: return corrupt("xz", "error " + std::to_string(static_cast<int>(ret)));
    }
  }
  bool can_end() const override { return done_; }

 private:
  lzma_stream stream_ = LZMA_STREAM_INIT;
  bool init_ok_ = false;
  bool done_ = false;
};

class BrotliDecoder : public Decoder {
 public:
  BrotliDecoder() : state_(BrotliDecoderCreateInstance(nullptr, nullptr, nullptr)) {}
  ~BrotliDecoder() override { BrotliDecoderDestroyInstance(state_); }

  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    *consumed = *produced = 0;
    if (!state_) return internal_error("brotli initialisation failed");
    if (done_) {
      if (in_len) return corrupt("brotli", "trailing bytes after the end of the stream");
      return ok_status();
    }
    size_t avail_in = in_len, avail_out = out_cap;
    const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in);
    uint8_t* next_out = reinterpret_cast<uint8_t*>(out);
    BrotliDecoderResult r =
        BrotliDecoderDecompressStream(state_, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    *consumed = in_len - avail_in;
    *produced = out_cap - avail_out;
    if (r == BROTLI_DECODER_RESULT_ERROR) {
      return corrupt("brotli", BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_)));
    }
    if (r == BROTLI_DECODER_RESULT_SUCCESS) {
      done_ = true;
      if (avail_in) return corrupt("brotli", "trailing bytes after the end of the stream");
    }
    return ok_status();
  }
  bool can_end() const override { return done_; }

 private:
  BrotliDecoderState* state_;
  bool done_ = false;
};

class Lz4FrameDecoder : public Decoder {
 public:
  Lz4FrameDecoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION))) ctx_ = nullptr;
  }
  ~Lz4FrameDecoder() override {
    if (ctx_) LZ4F_freeDecompressionContext(ctx_);
  }

  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    *consumed = *produced = 0;
    if (!ctx_) return internal_error("lz4 initialisation failed");
    size_t src = in_len, dst = out_cap;
    size_t ret = LZ4F_decompress(ctx_, out, &dst, in, &src, nullptr);
    *consumed = src;
    *produced = dst;
    if (LZ4F_isError(ret)) return corrupt("lz4", LZ4F_getErrorName(ret));
    if (src > 0 || dst > 0) frame_done_ = ret == 0;
    return ok_status();
  }
  bool can_end() const override { return frame_done_; }

 private:
  LZ4F_dctx* ctx_ = nullptr;
  bool frame_done_ = false;
};

}  // namespace

StatusOr<std::unique_ptr<Decoder>> make_decoder(Codec codec) {
  switch (codec) {
    case Codec::kGzip: return std::unique_ptr<Decoder>(new ZlibDecoder(16 + MAX_WBITS, true, "gzip"));
    case Codec::kZlib: return std::unique_ptr<Decoder>(new ZlibDecoder(MAX_WBITS, false, "zlib"));
    case Codec::kDeflateRaw:
      return std::unique_ptr<Decoder>(new ZlibDecoder(-MAX_WBITS, false, "deflate"));
    case Codec::kZstd: return std::unique_ptr<Decoder>(new ZstdDecoder());
    case Codec::kBzip2: return std::unique_ptr<Decoder>(new Bzip2Decoder());
    case Codec::kXz: return std::unique_ptr<Decoder>(new XzDecoder());
    case Codec::kBrotli: return std::unique_ptr<Decoder>(new BrotliDecoder());
    case Codec::kLz4Frame: return std::unique_ptr<Decoder>(new Lz4FrameDecoder());
    case Codec::kSnappyFramed: return make_snappy_stream_decoder();
    case Codec::kLz4Hadoop: return make_hadoop_decoder(Codec::kLz4Raw);
    default:
      return invalid_input("no stream decoder for codec " + std::string(codec_name(codec)));
  }
}

}  // namespace mortar::io
