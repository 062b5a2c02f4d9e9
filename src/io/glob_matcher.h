// Glue's exclude glob patterns: a crawler's Exclusions (matched against the
// path relative to the include path, "2024/01/data.csv") and the "exclusions"
// option of a file source (matched against full and relative paths):
//   *      any characters within one path segment (never '/')
//   **     any characters across segments
//   ?      one character within a segment
//   [a-z]  a character class; [!a-z] negates it; never matches '/'
//   {a,b}  alternatives (each a glob itself; groups do not nest)
//   \x     the character x literally
// A '-' first in a class (or first after '!') is literal. A leading '.' is an
// ordinary character. Immutable after compile(); thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace mortar::io {

class GlobMatcher {
 public:
  // kIgnore: patterns are relative to a root (a crawler's include path), and
  // Glue's examples write folder patterns with or without a leading '/'.
  // kKeep: "/data/**.csv" is matched against absolute paths as written.
  enum class LeadingSlash { kIgnore, kKeep };

  // Malformed patterns (unclosed '[' or '{', nested '{', trailing '\') are
  // InvalidInput naming the pattern. Empty patterns match nothing.
  static StatusOr<GlobMatcher> compile(const std::vector<std::string>& patterns,
                                       LeadingSlash leading_slash = LeadingSlash::kIgnore);

  GlobMatcher();
  GlobMatcher(GlobMatcher&&) noexcept;
  GlobMatcher& operator=(GlobMatcher&&) noexcept;
  ~GlobMatcher();

  bool empty() const { return regexes_.empty(); }
  // True when some pattern matches `path` exactly.
  bool matches(std::string_view path) const;
  // True when some pattern matches `relative_path` or any of its folders
  // ("Market*" excludes "Market_US/x.csv"), as Glue prunes excluded folders
  // while listing.
  bool excludes(std::string_view relative_path) const;

  // The RE2 syntax a glob translates to (exposed for tests and error text).
  static StatusOr<std::string> to_regex(std::string_view glob);

 private:
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
};

}  // namespace mortar::io
