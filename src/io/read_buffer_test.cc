#include "io/read_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace mortar::io {
namespace {

// Hands out at most `step` bytes per read, as pipes and sockets do.
class TrickleStream : public InputStream {
 public:
  TrickleStream(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    size_t k = std::min({static_cast<size_t>(n), step_, data_.size() - at_});
    std::copy_n(data_.data() + at_, k, buffer);
    at_ += k;
    return static_cast<int64_t>(k);
  }
  const std::string& path() const override { return path_; }

 private:
  std::string data_;
  size_t step_;
  size_t at_ = 0;
  std::string path_ = "trickle";
};

TEST(ReadBuffer, RefillsKeepTheUnconsumedBytesInOrder) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i) + ",";
  TrickleStream in(text, 7);
  ReadBuffer buf;
  bool eof = false;
  std::string seen;
  while (!(eof && buf.empty())) {
    ASSERT_TRUE(buf.fill(in, 100, &eof).ok());
    ASSERT_TRUE(buf.size() >= 100 || eof);
    size_t take = std::min<size_t>(buf.size(), 37);  // leave a tail each time
    seen.append(buf.data(), take);
    buf.consume(take);
  }
  EXPECT_EQ(seen, text);
}

TEST(ReadBuffer, GrowsForLargerTargetsAndPadsWithZeros) {
  TrickleStream in(std::string(1000, 'x'), 64);
  ReadBuffer buf;
  bool eof = false;
  ASSERT_TRUE(buf.fill(in, 10, &eof).ok());
  buf.consume(3);
  ASSERT_TRUE(buf.fill(in, 900, &eof).ok());
  EXPECT_EQ(buf.size(), 900u);
  EXPECT_EQ(std::string(buf.data(), buf.size()), std::string(900, 'x'));
  buf.zero_padding(32);
  EXPECT_EQ(buf.size(), 900u);
  EXPECT_EQ(std::string(buf.data() + 900, 32), std::string(32, '\0'));
  ASSERT_TRUE(buf.fill(in, 5000, &eof).ok());
  EXPECT_TRUE(eof);
  EXPECT_EQ(buf.size(), 997u);
}

}  // namespace
}  // namespace mortar::io
