#include "jobs/exception_line.h"

namespace mortar::jobs {

std::string last_exception_line(const std::string& text) {
  const std::string marker = "Traceback (most recent call last):";
  size_t at = text.rfind(marker);
  if (at == std::string::npos) return "";
  // The summary is the last line after the traceback that is not indented
  // (frames and source lines are).
  std::string found;
  size_t pos = at + marker.size();
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] != ' ' && line[0] != '\t') found = line;
    pos = end + 1;
  }
  return found;
}

void StderrTail::append(std::string_view chunk) {
  text_.append(chunk);
  if (text_.size() > 2 * keep_) text_.erase(0, text_.size() - keep_);
}

}  // namespace mortar::jobs
