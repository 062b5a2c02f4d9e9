#include "io/read_buffer.h"

#include <algorithm>
#include <cstring>

namespace mortar::io {

void ReadBuffer::make_room(size_t need) {
  if (capacity_ - begin_ >= need) return;
  const size_t live = size();
  if (capacity_ >= need) {
    std::memmove(bytes_.get(), data(), live);  // the tail to the front
  } else {
    const size_t grown = std::max(need, capacity_ + capacity_ / 2);
    auto next = std::make_unique_for_overwrite<char[]>(grown);
    if (live > 0) std::memcpy(next.get(), data(), live);
    bytes_ = std::move(next);
    capacity_ = grown;
  }
  begin_ = 0;
  end_ = live;
}

Status ReadBuffer::fill(InputStream& in, size_t target, bool* eof) {
  if (size() >= target || *eof) return ok_status();
  make_room(target);
  while (size() < target && !*eof) {
    MORTAR_ASSIGN_OR_RETURN(int64_t n,
                            in.read(bytes_.get() + end_, static_cast<int64_t>(target - size())));
    if (n == 0) *eof = true;
    end_ += static_cast<size_t>(n);
  }
  return ok_status();
}

void ReadBuffer::zero_padding(size_t n) {
  make_room(size() + n);
  std::memset(bytes_.get() + end_, 0, n);
}

}  // namespace mortar::io
