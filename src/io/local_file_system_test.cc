#include "io/local_file_system.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace mortar::io {
namespace {
namespace fs = std::filesystem;

class LocalFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mortar_io_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write_file(const std::string& rel, const std::string& content) {
    fs::create_directories(fs::path(dir_ + "/" + rel).parent_path());
    std::ofstream(dir_ + "/" + rel, std::ios::binary) << content;
  }
  std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string dir_;
  FileSystem& fs_ = local_file_system();
};

TEST_F(LocalFileSystemTest, ListsRecursivelySortedWithSizes) {
  write_file("b/x.csv", "12345");
  write_file("a.csv", "1");
  write_file("b/c/d.json", "");
  auto files = fs_.list_recursive(dir_);
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, dir_ + "/a.csv");
  EXPECT_EQ((*files)[1].path, dir_ + "/b/c/d.json");
  EXPECT_EQ((*files)[2].path, dir_ + "/b/x.csv");
  EXPECT_EQ((*files)[2].size, 5);
  EXPECT_GT((*files)[2].mtime_micros, 1600000000LL * 1000000);
  // A file lists itself; file:// URIs list as URIs.
  auto one = fs_.list_recursive(dir_ + "/a.csv");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  auto uris = fs_.list_recursive("file://" + dir_);
  ASSERT_TRUE(uris.ok()) << uris.status();
  EXPECT_EQ((*uris)[0].path, "file://" + dir_ + "/a.csv");
  EXPECT_EQ(fs_.list_recursive(dir_ + "/nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LocalFileSystemTest, RandomAccessReadsRanges) {
  write_file("f.bin", "0123456789");
  auto f = fs_.open_random_access("file://" + dir_ + "/f.bin");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)->size(), 10);
  std::string out;
  ASSERT_TRUE((*f)->read_at(3, 4, &out).ok());
  EXPECT_EQ(out, "3456");
  ASSERT_TRUE((*f)->read_at(8, 100, &out).ok());
  EXPECT_EQ(out, "89");
  ASSERT_TRUE((*f)->read_at(50, 10, &out).ok());
  EXPECT_EQ(out, "");
  EXPECT_FALSE((*f)->read_at(-1, 1, &out).ok());
  auto missing = fs_.open_random_access(dir_ + "/missing");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing"), std::string::npos);
}

TEST_F(LocalFileSystemTest, InputStreamReadsToEnd) {
  std::string content(300000, 'x');
  write_file("big", content);
  auto in = fs_.open_input(dir_ + "/big");
  ASSERT_TRUE(in.ok());
  std::string got;
  char buf[65536];
  while (true) {
    auto n = (*in)->read(buf, sizeof(buf));
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    got.append(buf, *n);
  }
  EXPECT_EQ(got, content);
}

TEST_F(LocalFileSystemTest, OutputVisibleOnlyAfterClose) {
  std::string path = dir_ + "/out/sub/part-0.csv";
  auto out = fs_.open_output(path);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)->write("hello ").ok());
  ASSERT_TRUE((*out)->write(std::string(3 << 20, 'z')).ok());  // larger than the buffer
  EXPECT_FALSE(fs::exists(path));
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(read_file(path), "hello " + std::string(3 << 20, 'z'));
  // Only the final file remains (no temp files).
  auto files = fs_.list_recursive(dir_ + "/out");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1u);
}

TEST_F(LocalFileSystemTest, AbandonedOutputLeavesNothing) {
  std::string path = dir_ + "/abandoned.csv";
  {
    auto out = fs_.open_output(path);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write("partial").ok());
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(LocalFileSystemTest, OutputReplacesExistingFile) {
  write_file("r.txt", "old");
  auto out = fs_.open_output(dir_ + "/r.txt");
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->write("new").ok());
  EXPECT_EQ(read_file(dir_ + "/r.txt"), "old");
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_EQ(read_file(dir_ + "/r.txt"), "new");
}

TEST_F(LocalFileSystemTest, StatRenameRemove) {
  write_file("a/b.txt", "abc");
  auto st = fs_.stat(dir_ + "/a/b.txt");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->size, 3);
  EXPECT_FALSE(st->is_directory);
  EXPECT_TRUE(fs_.stat(dir_ + "/a")->is_directory);
  ASSERT_TRUE(fs_.rename(dir_ + "/a/b.txt", dir_ + "/c/d/e.txt").ok());
  EXPECT_EQ(read_file(dir_ + "/c/d/e.txt"), "abc");
  ASSERT_TRUE(fs_.remove(dir_ + "/c").ok());
  EXPECT_FALSE(fs::exists(dir_ + "/c"));
  EXPECT_EQ(fs_.remove(dir_ + "/c").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(fs_.stat(dir_ + "/zz").status().code(), absl::StatusCode::kNotFound);
}

TEST(FileSystemForTest, Schemes) {
  EXPECT_EQ(*file_system_for("/a/b"), &local_file_system());
  EXPECT_EQ(*file_system_for("file:///a/b"), &local_file_system());
  EXPECT_EQ(*file_system_for("rel/x:y"), &local_file_system());
  auto s3 = file_system_for("gs://bucket/key");
  EXPECT_EQ(s3.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(local_path("file:///a/b"), "/a/b");
  EXPECT_EQ(local_path("file:/a/b"), "/a/b");
  EXPECT_EQ(local_path("file://localhost/a"), "/a");
}

TEST(JoinPathTest, OneSlash) {
  EXPECT_EQ(join_path("/a", "b"), "/a/b");
  EXPECT_EQ(join_path("/a/", "b"), "/a/b");
  EXPECT_EQ(join_path("s3://bucket/", "/k"), "s3://bucket/k");
  EXPECT_EQ(join_path("", "k"), "k");
}

}  // namespace
}  // namespace mortar::io
