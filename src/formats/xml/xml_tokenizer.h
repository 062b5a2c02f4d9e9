// A small streaming XML tokenizer (pull parser) over an InputStream: start
// and end tags with attributes, text (entities &lt; &gt; &amp; &quot; &apos;
// &#N; &#xN; decoded, CDATA sections as text), skipping comments,
// processing instructions and DOCTYPE. Only the construct being read is
// buffered, so memory stays bounded by the largest single tag or text run.
// Checks well-formedness of tag nesting; errors name the file, line and byte
// offset. No DTD processing (custom entities are an error), no namespace
// resolution (names keep their prefix, as spark-xml's rowTag matching does).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"

namespace mortar::formats::xml {

struct XmlEvent {
  enum Kind { kStart, kEnd, kText, kEof };
  Kind kind = kEof;
  std::string name;  // kStart, kEnd
  std::vector<std::pair<std::string, std::string>> attributes;  // kStart
  std::string text;  // kText (decoded)
  bool self_closing = false;  // kStart of <a/>: no kEnd follows
  int64_t offset = 0;  // byte offset of the construct in the input
};

class XmlTokenizer {
 public:
  XmlTokenizer(std::unique_ptr<io::InputStream> in, std::string path);
  // The next event; kEof once the input ends with all elements closed.
  Status next(XmlEvent* event);
  // "path: line L (byte offset B): message" at an absolute byte offset
  // (within the current buffer; else without the line).
  Status error_at(int64_t offset, std::string_view message) const;
  int depth() const { return static_cast<int>(open_.size()); }

 private:
  // Ensures buf_ holds at least `n` bytes from pos_; false at end of input.
  StatusOr<bool> want(size_t n);
  // Position (index in buf_) of `term` at or after pos_ + from, reading more
  // as needed; npos when the input ends first.
  StatusOr<size_t> find(std::string_view term, size_t from = 0);
  void compact();
  Status read_tag(XmlEvent* event);
  Status read_text(XmlEvent* event);
  Status decode(std::string_view raw, size_t at, std::string* out) const;

  std::unique_ptr<io::InputStream> in_;
  std::string path_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  int64_t base_offset_ = 0;  // absolute offset of buf_[0]
  int64_t base_line_ = 1;
  std::vector<std::string> open_;
  bool started_ = false;
  bool skipped_ = false;  // read_tag consumed a comment, PI or DOCTYPE
};

}  // namespace mortar::formats::xml
