#include "catalog/names.h"

#include <re2/re2.h>

namespace mortar::catalog {

StatusOr<std::unique_ptr<NamePattern>> NamePattern::compile(std::string_view pattern) {
  // Glue's patterns are Hive's: alternatives split by '|', '*' matching any
  // run of characters; anything else is taken as a regular expression.
  std::string regex;
  size_t start = 0;
  bool first = true;
  while (start <= pattern.size()) {
    size_t bar = pattern.find('|', start);
    std::string_view alt = pattern.substr(start, bar == std::string_view::npos ? std::string_view::npos
                                                                               : bar - start);
    if (!first) regex += '|';
    first = false;
    regex += "(?:";
    for (size_t i = 0; i < alt.size(); ++i) {
      if (alt[i] == '*' && (i == 0 || alt[i - 1] != '.')) {
        regex += ".*";
      } else {
        regex += alt[i];
      }
    }
    regex += ")";
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  RE2::Options opts;
  opts.set_case_sensitive(false);
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(regex, opts);
  if (!re->ok()) return invalid_input("Invalid name pattern: " + std::string(pattern));
  return std::unique_ptr<NamePattern>(new NamePattern(std::move(re)));
}

NamePattern::NamePattern(std::unique_ptr<RE2> re) : re_(std::move(re)) {}
NamePattern::~NamePattern() = default;

bool NamePattern::matches(std::string_view name) const { return RE2::FullMatch(name, *re_); }

}  // namespace mortar::catalog
