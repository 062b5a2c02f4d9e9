#include "crawler/classify/file_sample.h"

#include <algorithm>
#include <cstring>

#include "io/compression.h"

namespace mortar::crawler {

namespace {

// Replays bytes already read, then continues from the underlying stream.
class PrefixStream : public io::InputStream {
 public:
  PrefixStream(std::string prefix, std::unique_ptr<io::InputStream> in)
      : prefix_(std::move(prefix)), in_(std::move(in)) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(prefix_.size() - pos_, static_cast<size_t>(std::max<int64_t>(n, 0)));
      std::memcpy(buffer, prefix_.data() + pos_, k);
      pos_ += k;
      return static_cast<int64_t>(k);
    }
    return in_->read(buffer, n);
  }
  const std::string& path() const override { return in_->path(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<io::InputStream> in_;
};

// Stops after `limit` bytes (a stored zip entry is followed by the archive's
// directory, which is not part of the file).
class LimitedStream : public io::InputStream {
 public:
  LimitedStream(std::unique_ptr<io::InputStream> in, int64_t limit)
      : in_(std::move(in)), left_(limit) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    if (left_ <= 0) return int64_t{0};
    MORTAR_ASSIGN_OR_RETURN(int64_t got, in_->read(buffer, std::min(n, left_)));
    left_ -= got;
    return got;
  }
  const std::string& path() const override { return in_->path(); }

 private:
  std::unique_ptr<io::InputStream> in_;
  int64_t left_;
};

StatusOr<std::string> read_exactly(io::InputStream& in, size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    MORTAR_ASSIGN_OR_RETURN(int64_t k, in.read(out.data() + got, static_cast<int64_t>(n - got)));
    if (k <= 0) break;
    got += static_cast<size_t>(k);
  }
  out.resize(got);
  return out;
}

uint32_t le16(const std::string& s, size_t at) {
  return static_cast<uint8_t>(s[at]) | (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 8);
}
uint32_t le32(const std::string& s, size_t at) { return le16(s, at) | (le16(s, at + 2) << 16); }

std::string glue_compression_name(io::Codec codec) {
  switch (codec) {
    case io::Codec::kGzip: return "gzip";
    case io::Codec::kBzip2: return "bzip2";
    case io::Codec::kZstd: return "zstd";
    case io::Codec::kSnappyFramed:
    case io::Codec::kSnappyRaw: return "snappy";
    case io::Codec::kLz4Frame:
    case io::Codec::kLz4Hadoop:
    case io::Codec::kLz4Raw: return "lz4";
    case io::Codec::kXz: return "xz";
    case io::Codec::kBrotli: return "brotli";
    default: return "";
  }
}

}  // namespace

// Counts compressed bytes read, so callers can scale sample figures to the file.
class CountingStream : public io::InputStream {
 public:
  explicit CountingStream(std::unique_ptr<io::InputStream> in) : in_(std::move(in)) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    MORTAR_ASSIGN_OR_RETURN(int64_t got, in_->read(buffer, n));
    count_ += got;
    return got;
  }
  const std::string& path() const override { return in_->path(); }
  int64_t count() const { return count_; }

 private:
  std::unique_ptr<io::InputStream> in_;
  int64_t count_ = 0;
};

StatusOr<std::unique_ptr<SampleReader>> SampleReader::open(io::FileSystem& fs, const std::string& path) {
  std::unique_ptr<SampleReader> r(new SampleReader());
  r->path_ = path;
  MORTAR_ASSIGN_OR_RETURN(auto raw, fs.open_input(path));
  auto counting = std::make_unique<CountingStream>(std::move(raw));
  r->counter_ = counting.get();
  std::unique_ptr<io::InputStream> in = std::move(counting);
  MORTAR_ASSIGN_OR_RETURN(std::string head, read_exactly(*in, 30));

  if (head.size() >= 30 && head.compare(0, 4, "PK\x03\x04") == 0) {
    // A zip archive: classify its first entry (Glue reads zips of one file).
    uint32_t method = le16(head, 8);
    uint32_t csize = le32(head, 18);
    uint32_t name_len = le16(head, 26), extra_len = le16(head, 28);
    MORTAR_ASSIGN_OR_RETURN(std::string skipped, read_exactly(*in, name_len + extra_len));
    if (skipped.size() != name_len + extra_len) return invalid_input(path + ": truncated zip header");
    r->compression_ = "zip";
    if (method == 0) {
      r->in_ = csize > 0 ? std::make_unique<LimitedStream>(std::move(in), csize) : std::move(in);
    } else if (method == 8) {
      MORTAR_ASSIGN_OR_RETURN(r->in_, io::decompressing_stream(std::move(in), io::Codec::kDeflateRaw));
    } else {
      return invalid_input(path + ": zip entry uses compression method " + std::to_string(method) +
                           " (only stored and deflate are read)");
    }
    return r;
  }

  io::Codec by_magic = io::codec_from_magic(head);
  io::Codec codec = by_magic != io::Codec::kNone ? by_magic : io::codec_from_extension(path);
  // .lz4 without the frame magic is Hadoop's block framing.
  if (codec == io::Codec::kLz4Frame && by_magic != io::Codec::kLz4Frame) codec = io::Codec::kLz4Hadoop;
  r->compression_ = glue_compression_name(codec);
  auto replay = std::make_unique<PrefixStream>(std::move(head), std::move(in));
  MORTAR_ASSIGN_OR_RETURN(r->in_, io::decompressing_stream(std::move(replay), codec));
  return r;
}

Status SampleReader::extend_to(int64_t bytes) {
  constexpr int64_t kChunk = 64 * 1024;
  while (!eof_ && static_cast<int64_t>(data_.size()) < bytes) {
    size_t old = data_.size();
    int64_t want = std::min<int64_t>(kChunk, bytes - static_cast<int64_t>(old));
    data_.resize(old + static_cast<size_t>(want));
    auto got = in_->read(data_.data() + old, want);
    if (!got.ok()) {
      data_.resize(old);
      std::string what = compression_.empty() ? "read failed" : compression_ + " data is corrupt";
      return annotate(got.status(), path_ + ": " + what);
    }
    data_.resize(old + static_cast<size_t>(*got));
    if (*got == 0) eof_ = true;
  }
  return ok_status();
}

int64_t SampleReader::raw_consumed() const { return counter_ ? counter_->count() : 0; }

}  // namespace mortar::crawler
