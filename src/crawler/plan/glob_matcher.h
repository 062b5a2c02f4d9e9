// Glue's include/exclude glob patterns, matched against a path relative to
// the crawler's include path ("2024/01/data.csv"):
//   *      any characters within one path segment (never '/')
//   **     any characters across segments
//   ?      one character within a segment
//   [a-z]  a character class; [!a-z] negates it; never matches '/'
//   {a,b}  alternatives (each a glob itself; groups do not nest)
//   \x     the character x literally
// A leading '.' is an ordinary character. A path is excluded when the
// pattern matches the whole relative path or one of its folders ("Market*"
// excludes "Market_US/x.csv"), as Glue prunes excluded folders while listing.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace mortar::crawler {

class GlobMatcher {
 public:
  // Malformed patterns (unclosed '[' or '{', nested '{', trailing '\') are
  // InvalidInput naming the pattern.
  static StatusOr<GlobMatcher> compile(const std::vector<std::string>& patterns);

  GlobMatcher();
  GlobMatcher(GlobMatcher&&) noexcept;
  GlobMatcher& operator=(GlobMatcher&&) noexcept;
  ~GlobMatcher();

  bool empty() const { return regexes_.empty(); }
  // True when some pattern matches `relative_path` exactly.
  bool matches(std::string_view relative_path) const;
  // True when some pattern matches `relative_path` or any of its folders.
  bool excludes(std::string_view relative_path) const;

  // The RE2 syntax a glob translates to (exposed for tests and error text).
  static StatusOr<std::string> to_regex(std::string_view glob);

 private:
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
};

}  // namespace mortar::crawler
