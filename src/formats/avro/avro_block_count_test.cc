// Counting an Avro file's records from its block headers: exact over whole
// files (hand-built, several blocks), scaled estimates past the read budget,
// and truncated or corrupt files that stop the walk with a problem, never a
// crash or a read of a whole block.
#include "formats/avro/avro_block_count.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "formats/avro/avro_reader.h"
#include "io/memory_file.h"

namespace mortar::formats::avro {
namespace {

void put_long(std::string& out, int64_t v) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out.push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out.push_back(static_cast<char>(z));
}

const std::string kSync = "0123456789abcdef";

std::string header() {
  std::string f("Obj\x01", 4);
  put_long(f, 1);
  std::string key = "avro.schema", schema = R"("long")";
  put_long(f, static_cast<int64_t>(key.size()));
  f += key;
  put_long(f, static_cast<int64_t>(schema.size()));
  f += schema;
  put_long(f, 0);
  return f + kSync;
}

// A null-codec file of "long" records, one block per entry of `blocks`
// (its record count); records are the values 0..n-1 of each block.
std::string file_with_blocks(const std::vector<int64_t>& blocks) {
  std::string f = header();
  for (int64_t n : blocks) {
    std::string data;
    for (int64_t i = 0; i < n; ++i) put_long(data, i * 1000);
    put_long(f, n);
    put_long(f, static_cast<int64_t>(data.size()));
    f += data + kSync;
  }
  return f;
}

// Counts every read and the bytes asked for, to check the walk stays small.
class CountingFile : public io::MemoryRandomAccessFile {
 public:
  using MemoryRandomAccessFile::MemoryRandomAccessFile;
  Status read_at(int64_t offset, int64_t n, std::string* out) const override {
    ++reads;
    max_read = std::max(max_read, n);
    return MemoryRandomAccessFile::read_at(offset, n, out);
  }
  mutable int64_t reads = 0;
  mutable int64_t max_read = 0;
};

TEST(AvroBlockCount, CountsEveryBlockExactly) {
  std::vector<int64_t> blocks = {3, 500, 1, 0, 77, 2000};
  std::string bytes = file_with_blocks(blocks);
  CountingFile file(bytes, "t.avro");
  int64_t start = static_cast<int64_t>(header().size());
  for (int64_t read_size : {1, 40, 4096, 1 << 20}) {
    AvroCountOptions options;
    options.read_size = read_size;
    auto c = count_avro_records(file, start, kSync, options);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_TRUE(c->complete) << c->problem;
    EXPECT_EQ(c->records, 2581);
    EXPECT_EQ(c->blocks, 6);
    EXPECT_EQ(c->end_offset, static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(c->estimate(start, file.size()), 2581);
  }
}

TEST(AvroBlockCount, ReadsOnlyAroundHeadersOfLargeBlocks) {
  // 20 blocks of 5000 records (~15 KB each): small reads, one or two per block.
  std::string bytes = file_with_blocks(std::vector<int64_t>(20, 5000));
  CountingFile file(bytes, "t.avro");
  AvroCountOptions options;
  options.read_size = 256;
  auto c = count_avro_records(file, static_cast<int64_t>(header().size()), kSync, options);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->records, 100000);
  EXPECT_LE(file.reads, 41);
  EXPECT_LE(file.max_read, 256);
  EXPECT_LT(file.reads * file.max_read, static_cast<int64_t>(bytes.size()) / 10);
}

TEST(AvroBlockCount, ReadBudgetGivesAScaledEstimate) {
  std::string bytes = file_with_blocks(std::vector<int64_t>(40, 1000));
  io::MemoryRandomAccessFile file(bytes, "t.avro");
  int64_t start = static_cast<int64_t>(header().size());
  AvroCountOptions options;
  options.read_size = 64;
  options.max_reads = 10;
  auto c = count_avro_records(file, start, kSync, options);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->complete);
  EXPECT_EQ(c->problem, "read budget spent");
  EXPECT_GT(c->blocks, 0);
  EXPECT_LT(c->blocks, 40);
  EXPECT_EQ(c->records, c->blocks * 1000);
  // Equal blocks: the scaled estimate is the real count.
  EXPECT_NEAR(static_cast<double>(c->estimate(start, file.size())), 40000.0, 1.0);
}

TEST(AvroBlockCount, TruncatedFileKeepsTheWholeBlocks) {
  std::string bytes = file_with_blocks({100, 100, 100});
  int64_t start = static_cast<int64_t>(header().size());
  std::string cut = bytes.substr(0, bytes.size() - 30);  // the last block loses its end
  io::MemoryRandomAccessFile file(cut, "t.avro");
  auto c = count_avro_records(file, start, kSync);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->complete);
  EXPECT_EQ(c->records, 200);
  EXPECT_EQ(c->blocks, 2);
  EXPECT_NE(c->problem.find("runs past the end of the file"), std::string::npos) << c->problem;
  int64_t estimate = c->estimate(start, file.size());
  EXPECT_GE(estimate, 200);
  EXPECT_LE(estimate, 300);
}

TEST(AvroBlockCount, CorruptSyncOrCountStopsWithAProblem) {
  std::string bytes = file_with_blocks({10, 10});
  int64_t start = static_cast<int64_t>(header().size());
  std::string bad_sync = bytes;
  bad_sync[bad_sync.size() - 1] ^= 1;
  io::MemoryRandomAccessFile f1(bad_sync, "t.avro");
  auto c = count_avro_records(f1, start, kSync);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->records, 10);
  EXPECT_NE(c->problem.find("sync marker mismatch"), std::string::npos) << c->problem;

  std::string negative = bytes;
  negative[static_cast<size_t>(start)] = 0x13;  // zig-zag -10
  io::MemoryRandomAccessFile f2(negative, "t.avro");
  c = count_avro_records(f2, start, kSync);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->records, 0);
  EXPECT_EQ(c->estimate(start, f2.size()), 0);
  EXPECT_NE(c->problem.find("bad block record count"), std::string::npos) << c->problem;

  io::MemoryRandomAccessFile f3(bytes, "t.avro");
  EXPECT_FALSE(count_avro_records(f3, start, "short").ok());
  EXPECT_FALSE(count_avro_records(f3, f3.size() + 1, kSync).ok());
}

TEST(AvroBlockCount, EveryTruncationAndByteFlipEndsCleanly) {
  std::string bytes = file_with_blocks({5, 300, 2, 40});
  int64_t start = static_cast<int64_t>(header().size());
  // A cut at a block's end is a valid, shorter file.
  std::set<size_t> ends = {static_cast<size_t>(start)};
  for (size_t k = 1; k <= 4; ++k) {
    std::vector<int64_t> prefix = {5, 300, 2, 40};
    prefix.resize(k);
    ends.insert(file_with_blocks(prefix).size());
  }
  for (size_t n = static_cast<size_t>(start); n <= bytes.size(); ++n) {
    io::MemoryRandomAccessFile file(bytes.substr(0, n), "t.avro");
    auto c = count_avro_records(file, start, kSync);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_LE(c->records, 347);
    EXPECT_EQ(c->complete, ends.count(n) == 1) << n;
  }
  for (size_t i = static_cast<size_t>(start); i < bytes.size(); ++i) {
    for (char flip : {'\x01', '\x80', '\xff'}) {
      std::string b = bytes;
      b[i] = static_cast<char>(b[i] ^ flip);
      io::MemoryRandomAccessFile file(b, "t.avro");
      auto c = count_avro_records(file, start, kSync);
      ASSERT_TRUE(c.ok()) << c.status();
      EXPECT_GE(c->estimate(start, file.size()), 0);
    }
  }
}

TEST(AvroBlockCount, ReaderCountsAgreeWithTheRowsItReads) {
  std::string bytes = file_with_blocks({7, 1234, 99});
  ReadOptions options;
  options.batch_rows = 100;
  auto reader =
      AvroReader::open(std::make_unique<io::MemoryRandomAccessFile>(bytes, "t.avro"), options);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->data_start(), static_cast<int64_t>(header().size()));
  int64_t rows = 0;
  for (int i = 0; i < 3; ++i) {  // part-way through, the count still covers the whole file
    auto batch = (*reader)->next();
    ASSERT_TRUE(batch.ok() && *batch);
    rows += (*batch)->num_rows();
  }
  auto c = (*reader)->count_records();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->complete);
  EXPECT_EQ(c->records, 1340);
  for (;;) {
    auto batch = (*reader)->next();
    ASSERT_TRUE(batch.ok()) << batch.status();
    if (!*batch) break;
    rows += (*batch)->num_rows();
  }
  EXPECT_EQ(rows, 1340);
}

}  // namespace
}  // namespace mortar::formats::avro
