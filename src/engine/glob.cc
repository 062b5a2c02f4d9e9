#include "engine/glob.h"

#include <string>
#include <vector>

namespace mortar::engine {
namespace {

constexpr size_t kMaxAlternatives = 1024;

// Expands the first {a,b} group (recursively), capped at kMaxAlternatives.
void expand(const std::string& pattern, std::vector<std::string>& out) {
  if (out.size() >= kMaxAlternatives) return;
  size_t open = pattern.find('{');
  size_t close = open == std::string::npos ? std::string::npos : pattern.find('}', open);
  if (close == std::string::npos) {
    out.push_back(pattern);
    return;
  }
  std::string head = pattern.substr(0, open), tail = pattern.substr(close + 1);
  std::string alts = pattern.substr(open + 1, close - open - 1);
  size_t start = 0;
  for (;;) {
    size_t comma = alts.find(',', start);
    expand(head +
               alts.substr(start, comma == std::string::npos ? std::string::npos : comma - start) +
               tail,
           out);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

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

// Dynamic programming over (pattern position, path position): linear in
// their product however many stars the pattern has.
bool match_one(std::string_view pattern, std::string_view path) {
  const size_t np = pattern.size(), ns = path.size();
  // reach[s] = the pattern prefix so far can consume exactly path[0, s).
  std::vector<char> reach(ns + 1, 0), next(ns + 1, 0);
  reach[0] = 1;
  size_t p = 0;
  while (p < np) {
    std::fill(next.begin(), next.end(), 0);
    char pc = pattern[p];
    size_t step = 1;
    if (pc == '*') {
      bool cross = p + 1 < np && pattern[p + 1] == '*';
      step = cross ? 2 : 1;
      bool carry = false;
      for (size_t s = 0; s <= ns; ++s) {
        if (reach[s]) carry = true;
        if (carry) next[s] = 1;
        if (s < ns && !cross && path[s] == '/') carry = false;  // '*' stops at '/'
      }
    } else {
      size_t end = p + 1;
      for (size_t s = 0; s < ns; ++s) {
        if (!reach[s]) continue;
        char c = path[s];
        bool ok;
        if (pc == '?') {
          ok = c != '/';
        } else if (pc == '[') {
          ok = match_class(pattern, p, c, &end);
        } else if (pc == '\\' && p + 1 < np) {
          ok = c == pattern[p + 1];
          end = p + 2;
        } else {
          ok = c == pc;
        }
        if (ok) next[s + 1] = 1;
      }
      if (pc == '[') {
        match_class(pattern, p, '\0', &end);
      } else if (pc == '\\' && p + 1 < np) {
        end = p + 2;
      }
      step = end - p;
    }
    reach.swap(next);
    p += step;
  }
  return reach[ns] != 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  std::vector<std::string> patterns;
  expand(std::string(pattern), patterns);
  for (const auto& p : patterns)
    if (match_one(p, path)) return true;
  return false;
}

}  // namespace mortar::engine
