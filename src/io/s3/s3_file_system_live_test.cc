// S3FileSystem against a live S3-compatible endpoint. tests/io/test_s3.py
// runs these against moto (MORTAR_TEST_S3_ENDPOINT, bucket
// MORTAR_TEST_S3_BUCKET, credentials from the environment); plain ctest has
// no endpoint and skips them, saying so.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

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

  std::string etag(const std::string& uri) {
    auto loc = parse_s3_uri(uri);
    auto resp = fs_->client().send(s3::S3Request{"HEAD", loc->bucket, loc->key, {}, {}, ""});
    if (!resp.ok() || resp->status != 200) return "<no object>";
    return resp->headers["etag"];
  }

  static std::string random_bytes(size_t n, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(rng());
    return out;
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

TEST_F(S3Live, LargeObjectStreamsBackByteIdentical) {
  std::string data = random_bytes(50 << 20, 7);
  put(root_ + "large.bin", data);  // multipart: 7 parts
  S3Options o = fs_->client().options();
  o.read_parallelism = 4;
  S3FileSystem fs(o);
  auto in = fs.open_input(root_ + "large.bin");
  ASSERT_TRUE(in.ok()) << in.status();
  std::string got, buf(1 << 20, '\0');
  for (;;) {
    auto n = (*in)->read(buf.data(), static_cast<int64_t>(buf.size()));
    ASSERT_TRUE(n.ok()) << n.status();
    if (*n == 0) break;
    got.append(buf.data(), *n);
  }
  ASSERT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "bytes differ";
}

TEST_F(S3Live, CopyUsesUploadPartCopyAboveTheThreshold) {
  S3Options o = fs_->client().options();
  o.multipart_copy_threshold = 6 << 20;  // instead of 5 GiB
  o.copy_part_size = 5 << 20;            // S3's minimum part size
  S3FileSystem fs(o);
  std::string big = random_bytes((12 << 20) + 17, 9);
  put(root_ + "big.bin", big);
  ASSERT_TRUE(fs.copy(root_ + "big.bin", root_ + "copy/big.bin").ok());
  EXPECT_TRUE(get(root_ + "copy/big.bin") == big);
  EXPECT_NE(etag(root_ + "copy/big.bin").find("-3"), std::string::npos)
      << "expected a 3-part multipart ETag, got " << etag(root_ + "copy/big.bin");
  put(root_ + "small.txt", "small");
  ASSERT_TRUE(fs.copy(root_ + "small.txt", root_ + "copy/small.txt").ok());
  EXPECT_EQ(get(root_ + "copy/small.txt"), "small");
  EXPECT_EQ(etag(root_ + "copy/small.txt").find('-'), std::string::npos) << "CopyObject, not multipart";
  EXPECT_EQ(get(root_ + "small.txt"), "small");  // a copy leaves the source
  // rename of a prefix holding both: multipart copy for one, CopyObject for the other.
  ASSERT_TRUE(fs.rename(root_ + "copy", root_ + "moved").ok());
  EXPECT_TRUE(get(root_ + "moved/big.bin") == big);
  EXPECT_EQ(get(root_ + "moved/small.txt"), "small");
  EXPECT_TRUE(absl::IsNotFound(fs.stat(root_ + "copy").status()));
  auto missing = fs.copy(root_ + "nope", root_ + "x");
  EXPECT_TRUE(absl::IsNotFound(missing)) << missing;
}

// Virtual-host addressing (bucket.host:port): needs an endpoint whose
// subdomains resolve to the server, e.g. http://localhost:port (curl maps
// *.localhost to loopback); tests/io/test_s3.py sets it for moto.
TEST_F(S3Live, VirtualHostAddressing) {
  const char* vhost = std::getenv("MORTAR_TEST_S3_VHOST_ENDPOINT");
  if (!vhost) GTEST_SKIP() << "no MORTAR_TEST_S3_VHOST_ENDPOINT: run by tests/io/test_s3.py";
  S3Options o = fs_->client().options();
  o.endpoint = vhost;
  o.path_style = false;
  S3FileSystem fs(o);
  auto out = fs.open_output(root_ + "vhost.txt");
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)->write("virtual host").ok());
  ASSERT_TRUE((*out)->close().ok());
  EXPECT_EQ(get(root_ + "vhost.txt"), "virtual host");  // read back path-style
  auto list = fs.list_recursive(root_);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].size, 12);
}

}  // namespace
}  // namespace mortar::io
