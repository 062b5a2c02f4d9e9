#include "formats/xml/xml_tokenizer.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "formats/format_options.h"
#include "io/io_util.h"

namespace mortar::formats::xml {

namespace {

constexpr size_t kReadStep = 64 * 1024;
// How far past a construct's start the tokenizer may look ("<![CDATA[" is 9
// bytes): reads stop this far past maxRecordSize, so a record that ends
// right at the limit is not refused for the look-ahead.
constexpr int64_t kLookahead = 16;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

void append_utf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c == '<' || c == '>' || c == '=' || c == '"' || c == '\'' || c == '&' || c == '/' || is_space(c))
      return false;
  return true;
}

}  // namespace

XmlTokenizer::XmlTokenizer(std::unique_ptr<io::InputStream> in, std::string path)
    : in_(std::move(in)), path_(std::move(path)) {}

Status XmlTokenizer::error_at(int64_t offset, std::string_view message) const {
  int64_t rel = offset - base_offset_;
  if (rel >= 0 && static_cast<size_t>(rel) <= buf_.size()) {
    int64_t line = base_line_ + std::count(buf_.data(), buf_.data() + rel, '\n');
    return located_error(path_, line, offset, message);
  }
  return located_error(path_, offset, message);
}

void XmlTokenizer::compact() {
  if (pos_ == 0) return;
  base_line_ += std::count(buf_.data(), buf_.data() + pos_, '\n');
  base_offset_ += static_cast<int64_t>(pos_);
  buf_.erase(0, pos_);
  pos_ = 0;
}

void XmlTokenizer::begin_record(int64_t offset) {
  record_start_ = offset;
  record_line_ = base_line_;
  const int64_t rel = offset - base_offset_;  // the start tag is still buffered
  if (rel > 0 && static_cast<size_t>(rel) <= buf_.size())
    record_line_ += std::count(buf_.data(), buf_.data() + rel, '\n');
}

Status XmlTokenizer::end_record() {
  const int64_t bytes = base_offset_ + static_cast<int64_t>(pos_) - record_start_;
  Status s = ok_status();
  if (bytes > max_record_)
    s = record_too_long(path_, record_line_, record_start_,
                        fmt::format("record of {} bytes is", bytes), max_record_);
  record_start_ = -1;
  return s;
}

Status XmlTokenizer::too_long() const {
  if (record_start_ >= 0)
    return record_too_long(path_, record_line_, record_start_, "record", max_record_);
  return record_too_long(path_, base_line_, base_offset_, "XML construct", max_record_);
}

StatusOr<bool> XmlTokenizer::want(size_t n) {
  while (buf_.size() - pos_ < n && !eof_) {
    compact();  // buf_ now starts at the construct being read
    // Read no further than maxRecordSize (and the look-ahead) past the
    // open record (or, outside one, this construct): what does not end by
    // then is refused, however much more the input holds.
    const int64_t anchor = record_start_ >= 0 ? record_start_ : base_offset_;
    const auto room = static_cast<size_t>(anchor + max_record_ + kLookahead - base_offset_);
    if (buf_.size() >= room) return too_long();
    const size_t target = std::min(std::max(n, buf_.size() + kReadStep), room);
    MORTAR_RETURN_IF_ERROR(annotate(io::fill_buffer(*in_, buf_, target, &eof_), path_));
    // Cut short by the limit: let the caller look at what came (find()
    // asks for far more than it needs); the next call refuses.
    if (target < n && !eof_) return true;
  }
  return buf_.size() - pos_ >= n;
}

StatusOr<size_t> XmlTokenizer::find(std::string_view term, size_t from) {
  for (;;) {
    size_t at = buf_.find(term, pos_ + from);
    if (at != std::string::npos) return at - pos_;
    if (eof_) return std::string::npos;
    size_t have = buf_.size() - pos_;
    from = std::max(from, have >= term.size() ? have - term.size() + 1 : 0);
    // Grow geometrically so a long construct costs linear time.
    MORTAR_ASSIGN_OR_RETURN(bool more, want(have + std::max(kReadStep, have)));
    (void)more;
  }
}

Status XmlTokenizer::next(XmlEvent* event) {
  event->attributes.clear();
  event->name.clear();
  event->text.clear();
  event->self_closing = false;
  if (!started_) {
    started_ = true;
    MORTAR_RETURN_IF_ERROR(want(3).status());
    std::string_view head(buf_.data(), std::min<size_t>(buf_.size(), 3));
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
      pos_ = 3;
    } else if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") {
      return error_at(0, "UTF-16 XML is not supported (convert it to UTF-8)");
    }
  }
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(bool any, want(1));
    event->offset = base_offset_ + static_cast<int64_t>(pos_);
    if (!any) {
      if (!open_.empty())
        return error_at(event->offset,
                        fmt::format("unexpected end of input: <{}> is not closed", open_.back()));
      event->kind = XmlEvent::kEof;
      return ok_status();
    }
    if (buf_[pos_] != '<') return read_text(event);
    skipped_ = false;
    MORTAR_RETURN_IF_ERROR(read_tag(event));
    if (!skipped_) return ok_status();
  }
}

Status XmlTokenizer::read_text(XmlEvent* event) {
  MORTAR_ASSIGN_OR_RETURN(size_t end, find("<"));
  if (end == std::string::npos) end = buf_.size() - pos_;
  event->kind = XmlEvent::kText;
  MORTAR_RETURN_IF_ERROR(decode(std::string_view(buf_).substr(pos_, end), pos_, &event->text));
  pos_ += end;
  return ok_status();
}

Status XmlTokenizer::read_tag(XmlEvent* event) {
  const int64_t at = event->offset;
  MORTAR_ASSIGN_OR_RETURN(bool two, want(9));
  (void)two;
  std::string_view head = std::string_view(buf_).substr(pos_, 9);
  auto skip_to = [&](std::string_view term, size_t from, std::string_view what) -> StatusOr<bool> {
    MORTAR_ASSIGN_OR_RETURN(size_t end, find(term, from));
    if (end == std::string::npos) return error_at(at, fmt::format("unterminated {}", what));
    pos_ += end + term.size();
    return true;
  };
  if (head.size() < 2) return error_at(at, "unexpected end of input after '<'");
  if (head[1] == '?') {
    MORTAR_RETURN_IF_ERROR(skip_to("?>", 2, "processing instruction").status());
    skipped_ = true;
    return ok_status();
  }
  if (head.substr(0, 4) == "<!--") {
    MORTAR_RETURN_IF_ERROR(skip_to("-->", 4, "comment").status());
    skipped_ = true;
    return ok_status();
  }
  if (head.substr(0, 9) == "<![CDATA[") {
    MORTAR_ASSIGN_OR_RETURN(size_t end, find("]]>", 9));
    if (end == std::string::npos) return error_at(at, "unterminated CDATA section");
    if (open_.empty()) return error_at(at, "CDATA section outside any element");
    event->kind = XmlEvent::kText;
    event->text.assign(buf_, pos_ + 9, end - 9);
    pos_ += end + 3;
    return ok_status();
  }
  if (head[1] == '!') {
    if (!open_.empty()) return error_at(at, "markup declaration inside an element");
    MORTAR_ASSIGN_OR_RETURN(size_t gt, find(">", 2));
    if (gt == std::string::npos) return error_at(at, "unterminated declaration");
    size_t bracket = std::string_view(buf_).substr(pos_, gt).find('[');
    if (bracket != std::string::npos) {
      MORTAR_ASSIGN_OR_RETURN(size_t close, find("]", bracket));
      if (close == std::string::npos) return error_at(at, "unterminated DOCTYPE internal subset");
      MORTAR_RETURN_IF_ERROR(skip_to(">", close, "DOCTYPE").status());
    } else {
      pos_ += gt + 1;
    }
    skipped_ = true;
    return ok_status();
  }
  // A start or end tag: find its '>' outside quoted attribute values.
  size_t i = 1;
  char quote = 0;
  for (;;) {
    if (pos_ + i >= buf_.size()) {
      MORTAR_ASSIGN_OR_RETURN(bool more, want(i + 1));
      if (!more) return error_at(at, "unterminated tag");
    }
    char c = buf_[pos_ + i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      break;
    } else if (c == '<') {
      return error_at(at + static_cast<int64_t>(i), "'<' inside a tag");
    }
    ++i;
  }
  std::string_view tag = std::string_view(buf_).substr(pos_ + 1, i - 1);
  const size_t tag_pos = pos_;
  pos_ += i + 1;
  if (!tag.empty() && tag[0] == '/') {
    std::string_view name = tag.substr(1);
    while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
    if (open_.empty())
      return error_at(at, fmt::format("end tag </{}> without a start tag", name));
    if (name != open_.back())
      return error_at(at, fmt::format("end tag </{}> does not match <{}>", name, open_.back()));
    event->kind = XmlEvent::kEnd;
    event->name = std::move(open_.back());
    open_.pop_back();
    return ok_status();
  }
  if (!tag.empty() && tag.back() == '/') {
    event->self_closing = true;
    tag.remove_suffix(1);
  }
  size_t j = 0;
  while (j < tag.size() && !is_space(tag[j])) ++j;
  std::string_view name = tag.substr(0, j);
  if (!valid_name(name)) return error_at(at, fmt::format("invalid element name '{}'", name));
  event->kind = XmlEvent::kStart;
  event->name.assign(name);
  for (;;) {
    while (j < tag.size() && is_space(tag[j])) ++j;
    if (j == tag.size()) break;
    size_t k = j;
    while (k < tag.size() && tag[k] != '=' && !is_space(tag[k])) ++k;
    std::string_view attr = tag.substr(j, k - j);
    while (k < tag.size() && is_space(tag[k])) ++k;
    if (!valid_name(attr) || k == tag.size() || tag[k] != '=')
      return error_at(at, fmt::format("malformed attribute in <{}>", event->name));
    ++k;
    while (k < tag.size() && is_space(tag[k])) ++k;
    if (k == tag.size() || (tag[k] != '"' && tag[k] != '\''))
      return error_at(at, fmt::format("attribute '{}' of <{}> has no quoted value", attr, event->name));
    size_t close = tag.find(tag[k], k + 1);
    if (close == std::string_view::npos)
      return error_at(at, fmt::format("unterminated value of attribute '{}'", attr));
    std::string value;
    MORTAR_RETURN_IF_ERROR(decode(tag.substr(k + 1, close - k - 1), tag_pos + 1 + k + 1, &value));
    for (const auto& [existing, v] : event->attributes)
      if (existing == attr) return error_at(at, fmt::format("duplicate attribute '{}' in <{}>", attr, event->name));
    event->attributes.emplace_back(std::string(attr), std::move(value));
    j = close + 1;
  }
  if (!event->self_closing) open_.push_back(event->name);
  return ok_status();
}

Status XmlTokenizer::decode(std::string_view raw, size_t at, std::string* out) const {
  out->reserve(out->size() + raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r') {
      out->push_back('\n');
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      continue;
    }
    if (c != '&') {
      out->push_back(c);
      continue;
    }
    const int64_t where = base_offset_ + static_cast<int64_t>(at + i);
    size_t semi = raw.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12)
      return error_at(where, "'&' that does not start an entity reference");
    std::string_view name = raw.substr(i + 1, semi - i - 1);
    if (name == "lt") out->push_back('<');
    else if (name == "gt") out->push_back('>');
    else if (name == "amp") out->push_back('&');
    else if (name == "quot") out->push_back('"');
    else if (name == "apos") out->push_back('\'');
    else if (name.size() >= 2 && name[0] == '#') {
      bool hex = name[1] == 'x';
      std::string_view digits = name.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      bool ok = !digits.empty();
      for (char d : digits) {
        int v;
        if (d >= '0' && d <= '9') v = d - '0';
        else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
        else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
        else { ok = false; break; }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) { ok = false; break; }
      }
      if (!ok || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return error_at(where, fmt::format("invalid character reference &{};", name));
      append_utf8(cp, out);
    } else {
      return error_at(where, fmt::format("unknown entity &{};", name));
    }
    i = semi;
  }
  return ok_status();
}

}  // namespace mortar::formats::xml
