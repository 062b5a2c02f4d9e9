// ReadBuffer: the refill buffer of a text reader that reads a stream in
// blocks and consumes records from the front (CSV, JSON). Unlike a
// std::string refilled with fill_buffer(), new space is never zero-filled
// (that cost as much as a memset of the whole input) and consuming only
// advances an offset: the unconsumed tail moves to the front when the
// buffer next refills, so each byte is copied once at most.
#pragma once

#include <cstddef>
#include <memory>

#include "common/status.h"
#include "io/file_system.h"

namespace mortar::io {

class ReadBuffer {
 public:
  const char* data() const { return bytes_.get() + begin_; }
  char* mutable_data() { return bytes_.get() + begin_; }  // for parsers that rewrite in place
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  // Drops the first n bytes (n <= size()).
  void consume(size_t n) { begin_ += n; }
  // Reads from `in` until size() >= target or the stream ends (then *eof).
  Status fill(InputStream& in, size_t target, bool* eof);
  // Makes `n` zero bytes follow data() + size() (parsers that read past the
  // end, e.g. simdjson's padding); they are not part of size().
  void zero_padding(size_t n);

 private:
  // Room for `need` bytes from data() on, moving or growing the storage.
  void make_room(size_t need);

  std::unique_ptr<char[]> bytes_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace mortar::io
