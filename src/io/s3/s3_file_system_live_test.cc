// S3FileSystem against a live S3-compatible endpoint. tests/io/test_s3.py
// runs these against moto (MORTAR_TEST_S3_ENDPOINT, bucket
// MORTAR_TEST_S3_BUCKET, credentials from the environment); plain ctest has
// no endpoint and skips them, saying so.
#include <gtest/gtest.h>

#include <cstdlib>

#include "io/s3/s3_file_system.h"

namespace mortar::io {
namespace {

class S3Live : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("MORTAR_TEST_S3_ENDPOINT");
    const char* bucket = std::getenv("MORTAR_TEST_S3_BUCKET");
    if (!endpoint || !bucket) GTEST_SKIP() << "no MORTAR_TEST_S3_ENDPOINT: run by tests/io/test_s3.py";
    S3Options o = s3_options_from_environment();
    o.endpoint = endpoint;
    o.path_style = true;
    fs_ = std::make_unique<S3FileSystem>(o);
    root_ = std::string("s3://") + bucket + "/live-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "/";
  }

  void put(const std::string& uri, const std::string& data) {
    auto out = fs_->open_output(uri);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_TRUE((*out)->write(data).ok());
    ASSERT_TRUE((*out)->close().ok());
  }

  std::string get(const std::string& uri) {
    auto in = fs_->open_input(uri);
    if (!in.ok()) return "<" + std::string(status_message(in.status())) + ">";
    std::string all;
    char buf[7];  // small reads cross chunk boundaries
    for (;;) {
      auto n = (*in)->read(buf, sizeof buf);
      if (!n.ok()) return "<read error>";
      if (*n == 0) break;
      all.append(buf, *n);
    }
    return all;
  }

  std::unique_ptr<S3FileSystem> fs_;
  std::string root_;
};

TEST_F(S3Live, WriteStatReadRanges) {
  put(root_ + "a b.txt", "hello, s3 world");
  auto info = fs_->stat(root_ + "a b.txt");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size, 15);
  EXPECT_FALSE(info->is_directory);
  EXPECT_GT(info->mtime_micros, 0);
  auto file = fs_->open_random_access(root_ + "a b.txt");
  ASSERT_TRUE(file.ok());
  std::string out;
  ASSERT_TRUE((*file)->read_at(7, 2, &out).ok());
  EXPECT_EQ(out, "s3");
  ASSERT_TRUE((*file)->read_at(10, 100, &out).ok());
  EXPECT_EQ(out, "world");  // short at the end
  ASSERT_TRUE((*file)->read_at(15, 10, &out).ok());
  EXPECT_EQ(out, "");
  EXPECT_EQ(get(root_ + "a b.txt"), "hello, s3 world");
  put(root_ + "empty", "");
  EXPECT_EQ(fs_->stat(root_ + "empty")->size, 0);
  EXPECT_EQ(get(root_ + "empty"), "");
}

TEST_F(S3Live, PrefixesAreDirectories) {
  put(root_ + "d/x/1.csv", "1");
  put(root_ + "d/0.csv", "0");
  put(root_ + "dz.csv", "not under d/");
  auto dir = fs_->stat(root_ + "d");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_TRUE(dir->is_directory);
  EXPECT_TRUE(absl::IsNotFound(fs_->stat(root_ + "nothing").status()));
  auto list = fs_->list_recursive(root_ + "d");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].path, root_ + "d/0.csv");
  EXPECT_EQ((*list)[1].path, root_ + "d/x/1.csv");
  auto self = fs_->list_recursive(root_ + "dz.csv");
  ASSERT_TRUE(self.ok());
  ASSERT_EQ(self->size(), 1u);
  EXPECT_EQ((*self)[0].size, 12);
  EXPECT_TRUE(fs_->make_directories(root_ + "new/dir").ok());
}

TEST_F(S3Live, RenameAndRemove) {
  put(root_ + "f.txt", "payload");
  ASSERT_TRUE(fs_->rename(root_ + "f.txt", root_ + "g.txt").ok());
  EXPECT_TRUE(absl::IsNotFound(fs_->stat(root_ + "f.txt").status()));
  EXPECT_EQ(get(root_ + "g.txt"), "payload");

  put(root_ + "src/1", "one");
  put(root_ + "src/sub/2", "two");
  ASSERT_TRUE(fs_->rename(root_ + "src", root_ + "dst").ok());
  EXPECT_EQ(get(root_ + "dst/1"), "one");
  EXPECT_EQ(get(root_ + "dst/sub/2"), "two");
  EXPECT_TRUE(absl::IsNotFound(fs_->stat(root_ + "src").status()));

  ASSERT_TRUE(fs_->remove(root_ + "g.txt").ok());
  EXPECT_TRUE(absl::IsNotFound(fs_->stat(root_ + "g.txt").status()));
  ASSERT_TRUE(fs_->remove(root_ + "dst").ok());  // a prefix: DeleteObjects
  EXPECT_TRUE(absl::IsNotFound(fs_->stat(root_ + "dst").status()));
  auto missing = fs_->remove(root_ + "missing");
  EXPECT_TRUE(absl::IsNotFound(missing)) << missing;
  EXPECT_NE(std::string(status_message(missing)).find(root_ + "missing"), std::string::npos);
}

TEST_F(S3Live, UnclosedOutputLeavesNothing) {
  {
    auto out = fs_->open_output(root_ + "partial.bin");
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->write(std::string(9 << 20, 'z')).ok());  // one part uploaded
  }
  EXPECT_TRUE(absl::IsNotFound(fs_->stat(root_ + "partial.bin").status()));
  std::string big(17 << 20, 'q');
  big[(17 << 20) - 1] = '!';
  put(root_ + "big.bin", big);  // three parts
  auto file = fs_->open_random_access(root_ + "big.bin");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->size(), 17 << 20);
  std::string tail;
  ASSERT_TRUE((*file)->read_at((17 << 20) - 2, 2, &tail).ok());
  EXPECT_EQ(tail, "q!");
}

}  // namespace
}  // namespace mortar::io
