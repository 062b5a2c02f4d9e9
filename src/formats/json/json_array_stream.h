// Streams the elements of top-level JSON arrays: rewrites, in place, the
// brackets and commas of every top-level array into blanks, so that
// `[{"a":1},{"a":2}]` becomes a whitespace-separated stream of documents that
// simdjson's document stream parses one element at a time. A reader then holds
// one element in memory, not the whole array, and maxRecordSize bounds each
// element. The punctuation it removes is checked here (a missing or doubled
// comma, a trailing comma, an unclosed array are errors); everything inside an
// element is left for the JSON parser. Linear: each byte is looked at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mortar::formats::json {

class ArrayFlattener {
 public:
  // Starts at data[start], where a top-level document begins (what precedes
  // it is blank or already parsed).
  explicit ArrayFlattener(size_t start = 0) : scanned_(start), safe_end_(start) {}

  // Scans data[scanned(), len), rewriting array punctuation in place. False
  // on malformed punctuation: error() says what, error_offset() where.
  bool scan(char* data, size_t len);
  // The caller dropped the first n bytes of its buffer (n <= safe_end()).
  void consumed(size_t n);

  size_t scanned() const { return scanned_; }
  // data[0, safe_end()) holds only complete documents (the parser must not
  // see a scalar cut by the buffer's end, which would parse as a shorter one).
  size_t safe_end() const { return safe_end_; }
  // At the end of the input: an array still open is truncated.
  bool inside_array() const { return depth_ > 0 && flat_; }

  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  enum class Expect { kValueOrClose, kValue, kCommaOrClose };
  bool fail(size_t at, std::string message);
  void element_done(size_t end);

  size_t scanned_ = 0;
  size_t safe_end_ = 0;
  int64_t depth_ = 0;      // bracket nesting; 1 = directly inside a top-level container
  bool flat_ = false;      // the top-level container is an array being flattened
  bool in_string_ = false;
  bool escaped_ = false;
  bool in_scalar_ = false;  // inside a number/true/false/null at depth 0 or in a flat array
  Expect expect_ = Expect::kValueOrClose;
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace mortar::formats::json
