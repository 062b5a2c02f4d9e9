// EventBridge's event patterns (content filtering), the subset Mortar
// matches: a pattern is a JSON object whose members name event fields; a
// member is either a nested object (the event's field must be an object that
// matches it) or a non-empty array of match values, any one of which must
// match the field. All members must match. Match values:
//   "text", 12.5, true, null         exact (numbers compared as numbers)
//   {"prefix": "s"} {"suffix": "s"}  string prefix / suffix
//   {"equals-ignore-case": "s"}      ASCII case-insensitive equality
//   {"anything-but": v | [v...] | {"prefix": "s"} | {"suffix": "s"}}
//   {"exists": true|false}           the field is (not) present as a leaf
//   {"numeric": [">", 0, "<=", 5]}   one or two comparisons (<, <=, =, >, >=)
// A field holding an array matches when any element does. Anything else
// ($or, wildcard, cidr) is refused as InvalidEventPatternException.
//
// The pattern comes from callers: parse() bounds depth and size, and
// matches() costs at most (pattern values) x (event values at those paths).
// Immutable once parsed: thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mortar::events {

class EventPattern {
 public:
  // InvalidArgument named InvalidEventPatternException when `text` is not a
  // pattern, with the reason and the field.
  static StatusOr<EventPattern> parse(std::string_view text);
  static StatusOr<EventPattern> from_json(const nlohmann::json& pattern);

  // Whether `event` (an EventBridge envelope: source, detail-type, detail ...)
  // matches.
  bool matches(const nlohmann::json& event) const;

  // The exact string values the pattern allows at `path` (e.g. {"detail",
  // "bucket", "name"}); empty when the path is absent or not matched by exact
  // strings only. Event sources read what to watch from here.
  std::vector<std::string> exact_strings(const std::vector<std::string>& path) const;
  // The prefixes at `path` ({"prefix": ...} values); empty when none.
  std::vector<std::string> prefixes(const std::vector<std::string>& path) const;

  struct Node;

 private:
  explicit EventPattern(std::shared_ptr<const Node> root) : root_(std::move(root)) {}
  const Node* find(const std::vector<std::string>& path) const;
  std::shared_ptr<const Node> root_;
};

}  // namespace mortar::events
