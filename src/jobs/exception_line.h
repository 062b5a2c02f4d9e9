// Python's one-line summary of the exception that ended a script, taken from
// its stderr: what a failed run reports as its ErrorMessage and what
// `mortar run` prints.
//
// Thread-compatible (StderrTail is used by one reader thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mortar::jobs {

// The last line of the last "Traceback (most recent call last):" block in
// `text` (Python's summary line), or "" when there is none.
std::string last_exception_line(const std::string& text);

// The last `keep` bytes or so of a stream (at most 2 * keep held): enough to
// find the final traceback of a chatty script without holding all its output.
class StderrTail {
 public:
  explicit StderrTail(size_t keep = 256 * 1024) : keep_(keep) {}
  void append(std::string_view chunk);
  const std::string& text() const { return text_; }

 private:
  size_t keep_;
  std::string text_;
};

}  // namespace mortar::jobs
