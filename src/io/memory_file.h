// In-memory files and streams: the bytes of a fuzz input or a test fixture
// seen through the io interfaces, with no file system underneath.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/file_system.h"

namespace mortar::io {

class MemoryRandomAccessFile : public RandomAccessFile {
 public:
  MemoryRandomAccessFile(std::string data, std::string path)
      : data_(std::move(data)), path_(std::move(path)) {}
  int64_t size() const override { return static_cast<int64_t>(data_.size()); }
  Status read_at(int64_t offset, int64_t n, std::string* out) const override {
    if (offset < 0 || n < 0) return invalid_input("bad range");
    if (offset >= size()) {
      out->clear();
      return ok_status();
    }
    *out = data_.substr(static_cast<size_t>(offset), static_cast<size_t>(n));
    return ok_status();
  }
  const std::string& path() const override { return path_; }

 private:
  std::string data_;
  std::string path_;
};

// Reads borrowed bytes; they must outlive the stream. `max_read` > 0 makes
// every read short, to exercise a consumer's refill and resume paths.
class MemoryInputStream : public InputStream {
 public:
  MemoryInputStream(std::string_view data, std::string path, int64_t max_read = 0)
      : data_(data), path_(std::move(path)), max_read_(max_read) {}
  StatusOr<int64_t> read(char* buffer, int64_t n) override {
    if (max_read_ > 0) n = std::min(n, max_read_);
    size_t k = std::min(static_cast<size_t>(std::max<int64_t>(n, 0)), data_.size() - pos_);
    std::copy(data_.data() + pos_, data_.data() + pos_ + k, buffer);
    pos_ += k;
    return static_cast<int64_t>(k);
  }
  const std::string& path() const override { return path_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string path_;
  int64_t max_read_;
};

}  // namespace mortar::io
