// Chunked stream decoders: the snappy framing format (stream identifier,
// compressed/uncompressed chunks with masked CRC-32C) and Hadoop's block
// framing (BE32 uncompressed block size, then BE32-length compressed chunks),
// which Hadoop/Spark use for .snappy and .lz4 files and Parquet's old LZ4.
#include <lz4.h>
#include <snappy.h>

#include <algorithm>
#include <cstring>

#include "io/crc32c.h"
#include "io/decoder.h"

namespace mortar::io {
namespace {

constexpr size_t kMaxFramedChunk = 65536;           // uncompressed bytes per framed chunk
constexpr uint32_t kMaxHadoopChunk = 256u << 20;    // compressed bytes per Hadoop chunk

uint32_t be32(const char* p) {
  auto u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) | (uint32_t(u[2]) << 8) | u[3];
}
uint32_t le32(const char* p) {
  auto u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t(u[3]) << 24) | (uint32_t(u[2]) << 16) | (uint32_t(u[1]) << 8) | u[0];
}

// Shared plumbing: pending output, and accumulating exactly `need` input bytes.
class ChunkedDecoder : public Decoder {
 public:
  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    *consumed = *produced = 0;
    while (true) {
      if (pending_pos_ < pending_.size()) {
        size_t n = std::min(out_cap - *produced, pending_.size() - pending_pos_);
        std::memcpy(out + *produced, pending_.data() + pending_pos_, n);
        pending_pos_ += n;
        *produced += n;
        if (pending_pos_ < pending_.size()) return ok_status();  // out is full
      }
      if (*produced == out_cap && out_cap > 0) return ok_status();
      if (*consumed == in_len) return ok_status();
      size_t take = std::min(need_ - buffer_.size(), in_len - *consumed);
      buffer_.append(in + *consumed, take);
      *consumed += take;
      if (buffer_.size() < need_) return ok_status();
      pending_.clear();
      pending_pos_ = 0;
      MORTAR_RETURN_IF_ERROR(on_unit());
    }
  }

 protected:
  // Called when buffer_ holds need_ bytes; sets need_ for the next unit,
  // clears buffer_, and may fill pending_.
  virtual Status on_unit() = 0;

  std::string buffer_;
  size_t need_ = 4;
  std::string pending_;
  size_t pending_pos_ = 0;
  int64_t unit_start_ = 0;  // stream offset of the current unit, for messages
};

class HadoopDecoder : public ChunkedDecoder {
 public:
  explicit HadoopDecoder(Codec raw) : raw_(raw) {}
  bool can_end() const override {
    return state_ == kBlockHeader && buffer_.empty() && pending_pos_ == pending_.size();
  }

 protected:
  Status on_unit() override {
    int64_t at = unit_start_;
    unit_start_ += static_cast<int64_t>(buffer_.size());
    switch (state_) {
      case kBlockHeader:
        block_remaining_ = be32(buffer_.data());
        state_ = block_remaining_ ? kChunkHeader : kBlockHeader;
        need_ = 4;
        break;
      case kChunkHeader: {
        uint32_t n = be32(buffer_.data());
        if (n == 0 || n > kMaxHadoopChunk) return error(at, "implausible chunk length " + std::to_string(n));
        state_ = kChunkData;
        need_ = n;
        break;
      }
      case kChunkData: {
        MORTAR_RETURN_IF_ERROR(decompress_chunk(at));
        block_remaining_ -= pending_.size();
        state_ = block_remaining_ ? kChunkHeader : kBlockHeader;
        need_ = 4;
        break;
      }
    }
    buffer_.clear();
    return ok_status();
  }

 private:
  Status error(int64_t at, const std::string& what) {
    return invalid_input("corrupt Hadoop-framed " + std::string(codec_name(raw_)) + " data at byte " +
                         std::to_string(at) + ": " + what);
  }

  Status decompress_chunk(int64_t at) {
    if (raw_ == Codec::kSnappyRaw) {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(buffer_.data(), buffer_.size(), &n) || n > block_remaining_) {
        return error(at, "bad snappy chunk length");
      }
      pending_.resize(n);
      if (!snappy::RawUncompress(buffer_.data(), buffer_.size(), pending_.data())) {
        return error(at, "snappy chunk does not decompress");
      }
      return ok_status();
    }
    // lz4 expands at most ~255x: bound the buffer by what the chunk can hold.
    size_t cap = std::min<size_t>(block_remaining_, buffer_.size() * 255 + 64);
    pending_.resize(cap);
    int r = LZ4_decompress_safe(buffer_.data(), pending_.data(), static_cast<int>(buffer_.size()),
                                static_cast<int>(cap));
    if (r < 0) return error(at, "lz4 chunk does not decompress");
    pending_.resize(static_cast<size_t>(r));
    if (r == 0) return error(at, "empty lz4 chunk");
    return ok_status();
  }

  enum State { kBlockHeader, kChunkHeader, kChunkData };
  Codec raw_;
  State state_ = kBlockHeader;
  uint64_t block_remaining_ = 0;
};

// The snappy framing format; a stream not starting with its identifier chunk
// is read as Hadoop-framed snappy instead.
class SnappyStreamDecoder : public ChunkedDecoder {
 public:
  Status decode(const char* in, size_t in_len, bool last, char* out, size_t out_cap,
                size_t* consumed, size_t* produced) override {
    if (!hadoop_ && !seen_any_ && in_len > 0) {
      seen_any_ = true;
      if (static_cast<uint8_t>(in[0]) != 0xff) hadoop_ = std::make_unique<HadoopDecoder>(Codec::kSnappyRaw);
    }
    if (hadoop_) return hadoop_->decode(in, in_len, last, out, out_cap, consumed, produced);
    return ChunkedDecoder::decode(in, in_len, last, out, out_cap, consumed, produced);
  }
  bool can_end() const override {
    if (hadoop_) return hadoop_->can_end();
    return !in_chunk_ && buffer_.empty() && pending_pos_ == pending_.size();
  }

 protected:
  Status on_unit() override {
    int64_t at = unit_start_;
    unit_start_ += static_cast<int64_t>(buffer_.size());
    if (!in_chunk_) {
      type_ = static_cast<uint8_t>(buffer_[0]);
      need_ = static_cast<uint8_t>(buffer_[1]) | (static_cast<uint8_t>(buffer_[2]) << 8) |
              (static_cast<size_t>(static_cast<uint8_t>(buffer_[3])) << 16);
      buffer_.clear();
      in_chunk_ = true;
      if (need_ == 0) return finish_chunk(at);
      return ok_status();
    }
    return finish_chunk(at - 4);
  }

 private:
  Status error(int64_t at, const std::string& what) {
    return invalid_input("corrupt snappy framed data in the chunk at byte " + std::to_string(at) +
                         ": " + what);
  }

  Status finish_chunk(int64_t at) {
    in_chunk_ = false;
    std::string chunk;
    chunk.swap(buffer_);
    need_ = 4;
    if (type_ == 0xff) {
      if (chunk != "sNaPpY") return error(at, "bad stream identifier");
      seen_identifier_ = true;
      return ok_status();
    }
    if (type_ >= 0x80) return ok_status();  // padding and reserved skippable chunks
    if (type_ > 0x01) return error(at, "reserved unskippable chunk type " + std::to_string(type_));
    if (!seen_identifier_) return error(at, "data before the stream identifier");
    if (chunk.size() < 4) return error(at, "chunk too short for its checksum");
    uint32_t expected = le32(chunk.data());
    std::string_view data(chunk.data() + 4, chunk.size() - 4);
    if (type_ == 0x00) {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(data.data(), data.size(), &n) || n > kMaxFramedChunk) {
        return error(at, "bad compressed length");
      }
      pending_.resize(n);
      if (!snappy::RawUncompress(data.data(), data.size(), pending_.data())) {
        return error(at, "chunk does not decompress");
      }
    } else {
      if (data.size() > kMaxFramedChunk) return error(at, "uncompressed chunk too large");
      pending_.assign(data);
    }
    if (crc32c_mask(crc32c(pending_)) != expected) return error(at, "CRC-32C mismatch");
    pending_pos_ = 0;
    return ok_status();
  }

  std::unique_ptr<HadoopDecoder> hadoop_;
  bool seen_any_ = false;
  bool seen_identifier_ = false;
  bool in_chunk_ = false;
  uint8_t type_ = 0;
};

}  // namespace

std::unique_ptr<Decoder> make_hadoop_decoder(Codec raw_codec) {
  return std::make_unique<HadoopDecoder>(raw_codec);
}

std::unique_ptr<Decoder> make_snappy_stream_decoder() {
  return std::make_unique<SnappyStreamDecoder>();
}

}  // namespace mortar::io
