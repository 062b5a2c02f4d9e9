#include "io/compression.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "io/crc32c.h"

namespace mortar::io {
namespace {
namespace fs = std::filesystem;

const Codec kAllCodecs[] = {Codec::kNone,    Codec::kGzip,      Codec::kBzip2,  Codec::kZstd,
                            Codec::kSnappyFramed, Codec::kSnappyRaw, Codec::kLz4Frame,
                            Codec::kLz4Raw,  Codec::kLz4Hadoop, Codec::kXz,     Codec::kBrotli,
                            Codec::kDeflateRaw, Codec::kZlib};
// Codecs whose format carries a checksum: corruption must be detected. (zstd
// blocks, as Parquet uses them, carry none; zstd streams we write do.)
const Codec kChecked[] = {Codec::kGzip, Codec::kBzip2, Codec::kSnappyFramed,
                          Codec::kLz4Frame, Codec::kXz, Codec::kZlib};
const Codec kStreamWriters[] = {Codec::kGzip, Codec::kZstd, Codec::kSnappyFramed,
                                Codec::kLz4Frame, Codec::kBzip2, Codec::kXz};

// Half text-like (compressible), half random bytes.
std::string sample(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    if ((s.size() / 4096) % 2 == 0) {
      s += "id," + std::to_string(rng() % 100000) + ",name_" + std::to_string(rng() % 97) + "\n";
    } else {
      s += static_cast<char>(rng());
    }
  }
  s.resize(n);
  return s;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/mortar_compression_test.XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_file(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary).write(data.data(), data.size());
}

StatusOr<std::string> read_all(InputStream& in, int64_t chunk = 65536) {
  std::string out, buf(chunk, '\0');
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n, in.read(buf.data(), chunk));
    if (n == 0) return out;
    out.append(buf.data(), n);
  }
}

StatusOr<std::string> read_decompressed(const std::string& path, int64_t chunk = 65536) {
  MORTAR_ASSIGN_OR_RETURN(auto in, open_decompressed(local_file_system(), path));
  return read_all(*in, chunk);
}

bool have_tool(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  std::string zeros(32, '\0');
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);  // RFC 3720 B.4
  std::string a = sample(1000);
  EXPECT_EQ(crc32c_extend(crc32c(a.substr(0, 333)), a.data() + 333, 667), crc32c(a));
}

TEST(CompressionTest, BlockRoundTripEveryCodecAndSize) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{100000}, size_t{(1 << 20) + 12345}}) {
    std::string data = sample(size, static_cast<uint32_t>(size));
    for (Codec codec : kAllCodecs) {
      SCOPED_TRACE(std::string(codec_name(codec)) + " size " + std::to_string(size));
      auto c = compress_block(codec, data);
      ASSERT_TRUE(c.ok()) << c.status();
      auto known = decompress_block(codec, *c, static_cast<int64_t>(size), 1 << 30);
      ASSERT_TRUE(known.ok()) << known.status();
      EXPECT_TRUE(*known == data);
      if (codec != Codec::kLz4Raw || size > 0) {
        auto unknown = decompress_block(codec, *c, -1, 1 << 30);
        ASSERT_TRUE(unknown.ok()) << unknown.status();
        EXPECT_TRUE(*unknown == data);
      }
    }
  }
}

TEST(CompressionTest, MaxOutputCapsDecompression) {
  std::string zeros(8 << 20, '\0');
  for (Codec codec : kAllCodecs) {
    if (codec == Codec::kNone) continue;
    SCOPED_TRACE(codec_name(codec));
    auto c = compress_block(codec, zeros);
    ASSERT_TRUE(c.ok());
    auto r = decompress_block(codec, *c, -1, 1 << 20);
    EXPECT_FALSE(r.ok());
    auto exact = decompress_block(codec, *c, -1, 8 << 20);
    EXPECT_TRUE(exact.ok()) << exact.status();
  }
  // A claimed size above the cap is refused before any work.
  EXPECT_EQ(decompress_block(Codec::kSnappyRaw, "x", 100, 10).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(CompressionTest, WrongExpectedSizeIsAnError) {
  std::string data = sample(5000);
  for (Codec codec : kAllCodecs) {
    SCOPED_TRACE(codec_name(codec));
    auto c = compress_block(codec, data);
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(decompress_block(codec, *c, 4999, 1 << 20).ok());
  }
}

TEST(CompressionTest, CorruptAndTruncatedBlocksNeverCrash) {
  std::string data = sample(200000, 7);
  std::mt19937 rng(42);
  for (Codec codec : kAllCodecs) {
    SCOPED_TRACE(codec_name(codec));
    auto c = compress_block(codec, data);
    ASSERT_TRUE(c.ok());
    bool checked = std::find(std::begin(kChecked), std::end(kChecked), codec) != std::end(kChecked);
    for (int trial = 0; trial < 40; ++trial) {
      std::string bad = *c;
      if (bad.empty()) break;
      if (trial % 2 == 0) {
        bad.resize(rng() % bad.size());  // truncated
      } else {
        size_t at = bad.size() / 4 + rng() % (bad.size() / 2 + 1);
        bad[std::min(at, bad.size() - 1)] ^= static_cast<char>(1 + rng() % 255);
      }
      auto r = decompress_block(codec, bad, -1, 4 << 20);
      if (r.ok()) {
        // Formats without checksums may decode garbage, but never the original silently
        // when truncated, and never beyond the cap.
        EXPECT_LE(r->size(), 4u << 20);
        if (checked) ADD_FAILURE() << "corruption not detected in trial " << trial;
        if (codec != Codec::kNone) {
          EXPECT_FALSE(*r == data);
        }
      }
    }
    // Pure garbage.
    std::string garbage = sample(3000, 99).substr(4096 > 3000 ? 0 : 0);
    for (char& ch : garbage) ch = static_cast<char>(rng());
    auto g = decompress_block(codec, garbage, -1, 1 << 20);
    if (checked) {
      EXPECT_FALSE(g.ok());
    }
  }
}

TEST(CompressionTest, StreamWritersRoundTripThroughFiles) {
  TempDir dir;
  const std::pair<Codec, const char*> kExt[] = {
      {Codec::kGzip, "gz"}, {Codec::kZstd, "zst"}, {Codec::kSnappyFramed, "snappy"},
      {Codec::kLz4Frame, "lz4"}, {Codec::kBzip2, "bz2"}, {Codec::kXz, "xz"}};
  for (size_t size : {size_t{0}, size_t{70000}, size_t{(3 << 20) + 5}}) {
    std::string data = sample(size, 3);
    for (auto [codec, ext] : kExt) {
      SCOPED_TRACE(std::string(codec_name(codec)) + " size " + std::to_string(size));
      std::string path = dir.file("f" + std::to_string(size) + ".csv." + ext);
      auto raw = local_file_system().open_output(path);
      ASSERT_TRUE(raw.ok());
      // Fast levels: xz and bzip2 at their defaults are slow on 3 MiB.
      auto out = compressing_stream(std::move(*raw), codec, 1);
      ASSERT_TRUE(out.ok()) << out.status();
      // Written in uneven pieces.
      for (size_t at = 0; at < data.size();) {
        size_t n = std::min<size_t>(data.size() - at, 1 + (at * 7919) % 100000);
        ASSERT_TRUE((*out)->write(std::string_view(data).substr(at, n)).ok());
        at += n;
      }
      ASSERT_TRUE((*out)->close().ok());
      auto back = read_decompressed(path, 4093);
      ASSERT_TRUE(back.ok()) << back.status();
      EXPECT_TRUE(*back == data);
      // The file is also a valid block.
      auto block = decompress_block(codec, read_file(path), -1, 1 << 30);
      ASSERT_TRUE(block.ok()) << block.status();
      EXPECT_TRUE(*block == data);
    }
  }
}

TEST(CompressionTest, AbandonedCompressedOutputLeavesNothing) {
  TempDir dir;
  {
    auto raw = local_file_system().open_output(dir.file("x.gz"));
    ASSERT_TRUE(raw.ok());
    auto out = compressing_stream(std::move(*raw), Codec::kGzip);
    ASSERT_TRUE((*out)->write("abc").ok());
  }
  EXPECT_FALSE(fs::exists(dir.file("x.gz")));
}

TEST(CompressionTest, DetectsByExtensionMagicAndName) {
  EXPECT_EQ(codec_from_extension("/a/b.csv.GZ"), Codec::kGzip);
  EXPECT_EQ(codec_from_extension("x.bz2"), Codec::kBzip2);
  EXPECT_EQ(codec_from_extension("x.zst"), Codec::kZstd);
  EXPECT_EQ(codec_from_extension("x.snappy"), Codec::kSnappyFramed);
  EXPECT_EQ(codec_from_extension("x.sz"), Codec::kSnappyFramed);
  EXPECT_EQ(codec_from_extension("x.lz4"), Codec::kLz4Frame);
  EXPECT_EQ(codec_from_extension("x.xz"), Codec::kXz);
  EXPECT_EQ(codec_from_extension("x.br"), Codec::kBrotli);
  EXPECT_EQ(codec_from_extension("x.csv"), Codec::kNone);
  std::string data = sample(1000);
  for (Codec c : {Codec::kGzip, Codec::kBzip2, Codec::kZstd, Codec::kXz, Codec::kLz4Frame,
                  Codec::kSnappyFramed}) {
    EXPECT_EQ(codec_from_magic(compress_block(c, data).value()), c) << codec_name(c);
  }
  EXPECT_EQ(codec_from_magic("BZh is not bzip2"), Codec::kNone);
  EXPECT_EQ(codec_from_magic("a,b,c\n"), Codec::kNone);
  EXPECT_EQ(codec_from_name("GZIP").value(), Codec::kGzip);
  EXPECT_EQ(codec_from_name("none").value(), Codec::kNone);
  EXPECT_EQ(codec_from_name("snappy").value(), Codec::kSnappyFramed);
  EXPECT_FALSE(codec_from_name("lzo").ok());
}

TEST(CompressionTest, OpenDecompressedByMagicWithoutExtension) {
  TempDir dir;
  std::string data = sample(50000);
  write_file(dir.file("noext"), compress_block(Codec::kZstd, data).value());
  write_file(dir.file("plain.csv"), data);
  EXPECT_TRUE(read_decompressed(dir.file("noext")).value() == data);
  EXPECT_TRUE(read_decompressed(dir.file("plain.csv")).value() == data);
  write_file(dir.file("empty.csv"), "");
  EXPECT_EQ(read_decompressed(dir.file("empty.csv")).value(), "");
}

TEST(CompressionTest, TruncatedStreamsReportPathAndOffset) {
  TempDir dir;
  std::string data = sample(300000);
  for (auto [codec, ext] : {std::pair{Codec::kGzip, "gz"}, {Codec::kZstd, "zst"},
                            {Codec::kBzip2, "bz2"}, {Codec::kXz, "xz"}, {Codec::kLz4Frame, "lz4"},
                            {Codec::kSnappyFramed, "snappy"}}) {
    SCOPED_TRACE(codec_name(codec));
    std::string c = compress_block(codec, data).value();
    std::string path = dir.file(std::string("t.") + ext);
    write_file(path, c.substr(0, c.size() - c.size() / 3 - 1));
    auto r = read_decompressed(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status();
    EXPECT_NE(r.status().message().find("byte"), std::string::npos) << r.status();
  }
}

TEST(CompressionTest, SnappyFramedCrcIsVerified) {
  std::string data = sample(1000);
  std::string c = compress_block(Codec::kSnappyFramed, data).value();
  c[14] ^= 1;  // inside the first chunk's CRC
  auto r = decompress_block(Codec::kSnappyFramed, c, -1, 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("CRC"), std::string::npos) << r.status();
}

TEST(CompressionTest, HadoopFramedSnappyStream) {
  // [BE32 block size][BE32 chunk size][raw snappy] x2 blocks, as Hadoop writes .snappy.
  std::string a = sample(3000, 1), b = sample(5000, 2);
  auto block = [](const std::string& d) {
    std::string raw = compress_block(Codec::kSnappyRaw, d).value();
    std::string out;
    for (uint32_t v : {static_cast<uint32_t>(d.size()), static_cast<uint32_t>(raw.size())}) {
      for (int i = 3; i >= 0; --i) out += static_cast<char>(v >> (8 * i));
    }
    return out + raw;
  };
  auto r = decompress_block(Codec::kSnappyFramed, block(a) + block(b), -1, 1 << 20);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(*r == a + b);
}

TEST(CompressionTest, MultiMemberGzip) {
  std::string a = sample(1000, 1), b = sample(2000, 2);
  std::string c = compress_block(Codec::kGzip, a).value() + compress_block(Codec::kGzip, b).value();
  EXPECT_TRUE(decompress_block(Codec::kGzip, c, -1, 1 << 20).value() == a + b);
  // Garbage after a member is an error, not silently ignored.
  EXPECT_FALSE(decompress_block(Codec::kGzip, c + "junk", -1, 1 << 20).ok());
}

// Files compressed by the command-line tools decompress identically, and the
// tools read what Mortar writes.
TEST(CompressionTest, InteroperatesWithCommandLineTools) {
  TempDir dir;
  std::string data = sample((2 << 20) + 77, 11);
  std::string src = dir.file("data.csv");
  write_file(src, data);
  struct Tool {
    const char* name;
    const char* ext;
    Codec codec;
  };
  int checked = 0;
  for (Tool t : {Tool{"gzip", "gz", Codec::kGzip}, Tool{"zstd", "zst", Codec::kZstd},
                 Tool{"xz", "xz", Codec::kXz}, Tool{"bzip2", "bz2", Codec::kBzip2},
                 Tool{"lz4", "lz4", Codec::kLz4Frame}}) {
    if (!have_tool(t.name)) continue;
    SCOPED_TRACE(t.name);
    ++checked;
    std::string theirs = dir.file(std::string("theirs.csv.") + t.ext);
    std::string cmd = std::string(t.name) + " -1 -c -q " + src + " > " + theirs;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto back = read_decompressed(theirs);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == data);

    std::string ours = dir.file(std::string("ours.csv.") + t.ext);
    write_file(ours, compress_block(t.codec, data, 1).value());
    std::string out = dir.file(std::string("ours.out.") + t.ext);
    cmd = std::string(t.name) + " -d -c -q " + ours + " > " + out;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    EXPECT_TRUE(read_file(out) == data);
  }
  if (have_tool("gzip")) {
    // `cat a.gz b.gz` is a valid gzip file.
    std::string multi = dir.file("multi.gz");
    std::string cmd = "(gzip -c " + src + "; gzip -c " + src + ") > " + multi;
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_TRUE(read_decompressed(multi).value() == data + data);
  }
  if (checked == 0) GTEST_SKIP() << "none of gzip, zstd, xz, bzip2, lz4 is installed";
}

}  // namespace
}  // namespace mortar::io
