// A small streaming XML tokenizer (pull parser) over an InputStream: start
// and end tags with attributes, text (entities &lt; &gt; &amp; &quot; &apos;
// &#N; &#xN; decoded, CDATA sections as text), skipping comments,
// processing instructions and DOCTYPE. Only the construct being read is
// buffered, and never more than maxRecordSize bytes (and a few) of it, or of
// the record being read (begin_record), so memory stays bounded by the
// option however much a compressed file expands.
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
#include "formats/format_options.h"
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
  // The longest record (and construct outside a record) in bytes.
  void set_max_record(int64_t bytes) { max_record_ = bytes; }
  // A record starts at `offset`, the offset of the kStart event just read:
  // the input is read no further than maxRecordSize (and a look-ahead of a
  // few bytes) past it.
  void begin_record(int64_t offset);
  // The record ended with the event just read; refused when longer than
  // maxRecordSize.
  Status end_record();

 private:
  // Ensures buf_ holds at least `n` bytes from pos_; false at end of input.
  // Near maxRecordSize it may return true with fewer (but more than before).
  StatusOr<bool> want(size_t n);
  // Position (index in buf_) of `term` at or after pos_ + from, reading more
  // as needed; npos when the input ends first.
  StatusOr<size_t> find(std::string_view term, size_t from = 0);
  void compact();
  Status read_tag(XmlEvent* event);
  Status read_text(XmlEvent* event);
  Status decode(std::string_view raw, size_t at, std::string* out) const;
  Status too_long() const;

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
  int64_t max_record_ = kDefaultMaxRecordSize;
  int64_t record_start_ = -1;  // absolute offset of the open record, or -1
  int64_t record_line_ = 0;
};

}  // namespace mortar::formats::xml
