#include "io/io_util.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "io/compression.h"

namespace mortar::io {
namespace {

TEST(IoUtilTest, WriteReadAndLimits) {
  char tmpl[] = "/tmp/mortar_io_util.XXXXXX";
  std::string dir = mkdtemp(tmpl);
  FileSystem& fs = local_file_system();
  std::string data(200000, 'q');
  ASSERT_TRUE(write_file(fs, dir + "/a/b.txt", data).ok());
  EXPECT_EQ(read_file(fs, dir + "/a/b.txt", 1 << 20).value(), data);
  EXPECT_EQ(read_file(fs, dir + "/a/b.txt", 1000).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(read_file(fs, dir + "/a/b.txt", 200000).value().size(), 200000u);
  ASSERT_TRUE(write_file(fs, dir + "/c.csv.gz", compress_block(Codec::kGzip, "x,y\n1,2\n").value()).ok());
  EXPECT_EQ(read_file(fs, dir + "/c.csv.gz", 1000, true).value(), "x,y\n1,2\n");
  EXPECT_EQ(read_head(fs, dir + "/c.csv.gz", 3).value(), "x,y");
  EXPECT_EQ(read_head(fs, dir + "/c.csv.gz", 100).value(), "x,y\n1,2\n");
  EXPECT_EQ(read_file(fs, dir + "/missing", 10).status().code(), absl::StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mortar::io
