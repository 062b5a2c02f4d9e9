#include "engine/glob.h"

#include <string>

namespace mortar::engine {
namespace {

// Matches a class "[...]" at pattern[p] against c; sets *end past the class.
bool match_class(std::string_view pattern, size_t p, char c, size_t* end) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    char lo = pattern[i];
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (c >= lo && c <= pattern[i + 2]) matched = true;
      i += 3;
    } else {
      if (c == lo) matched = true;
      ++i;
    }
  }
  *end = i < pattern.size() ? i + 1 : pattern.size();
  return matched != negate;
}

bool match(std::string_view pattern, std::string_view path, int depth) {
  if (depth > 64) return false;
  size_t p = 0, s = 0;
  while (p < pattern.size()) {
    char pc = pattern[p];
    if (pc == '*') {
      bool cross = p + 1 < pattern.size() && pattern[p + 1] == '*';
      size_t rest = p + (cross ? 2 : 1);
      for (size_t k = s; k <= path.size(); ++k) {
        if (match(pattern.substr(rest), path.substr(k), depth + 1)) return true;
        if (k < path.size() && !cross && path[k] == '/') break;
      }
      return false;
    }
    if (pc == '{') {
      size_t close = pattern.find('}', p);
      if (close == std::string_view::npos) return false;
      std::string_view alts = pattern.substr(p + 1, close - p - 1);
      std::string_view after = pattern.substr(close + 1);
      size_t start = 0;
      for (;;) {
        size_t comma = alts.find(',', start);
        std::string candidate(alts.substr(start, comma == std::string_view::npos ? alts.size() - start : comma - start));
        candidate += after;
        if (match(candidate, path.substr(s), depth + 1)) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      return false;
    }
    if (s >= path.size()) return false;
    if (pc == '?') {
      if (path[s] == '/') return false;
      ++p;
      ++s;
    } else if (pc == '[') {
      size_t end;
      if (!match_class(pattern, p, path[s], &end)) return false;
      p = end;
      ++s;
    } else {
      if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
      if (pc != path[s]) return false;
      ++p;
      ++s;
    }
  }
  return s == path.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) { return match(pattern, path, 0); }

}  // namespace mortar::engine
