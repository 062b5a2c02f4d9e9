// CloudWatch Logs filter patterns for unstructured events (FilterLogEvents'
// `filterPattern`): space-separated terms, all of which must occur in the
// message; "quoted phrases" (backslash escapes \" and \\); `?term`
// alternatives (at least one of them must occur); `-term` exclusions (none
// may occur). Matching is case-sensitive, as CloudWatch's is. An empty
// pattern matches every event. JSON (`{ $.x = 1 }`), space-delimited
// (`[a, b]`) and regular-expression (`%re%`) patterns are refused with
// InvalidArgument naming what is unsupported.
//
// Untrusted input: parsing is linear in the pattern; matching is linear in
// the message per term (Knuth-Morris-Pratt, no backtracking). Immutable once
// parsed, so thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::logs {

class FilterPattern {
 public:
  static StatusOr<FilterPattern> parse(std::string_view pattern);

  bool matches(std::string_view message) const;
  bool matches_everything() const { return required_.empty() && any_.empty() && excluded_.empty(); }

 private:
  struct Term {
    std::string text;
    std::vector<int> failure;  // KMP failure function of `text`
    bool occurs_in(std::string_view message) const;
  };
  static Term make_term(std::string text);

  std::vector<Term> required_;
  std::vector<Term> any_;  // `?term`: at least one
  std::vector<Term> excluded_;
};

}  // namespace mortar::logs
