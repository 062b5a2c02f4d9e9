// The subset of JSONPath Glue's jsonPath option uses to pick records:
// "$" then any of ".name", "['name']", "[*]" (every element), "[N]".
// "$.records[*]" picks each element of the top-level "records" array.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/status.h"

namespace mortar::formats::json {

class JsonPath {
 public:
  static StatusOr<JsonPath> parse(const std::string& text);
  bool empty() const { return segments_.empty(); }
  // Calls `fn` for each value the path selects in `root` (none when a key is
  // missing). Stops at the first error `fn` returns.
  Status select(simdjson::dom::element root,
                const std::function<Status(simdjson::dom::element)>& fn) const;

 private:
  struct Segment {
    enum Kind { kKey, kAll, kIndex } kind;
    std::string key;
    size_t index = 0;
  };
  Status visit(simdjson::dom::element v, size_t i,
               const std::function<Status(simdjson::dom::element)>& fn) const;
  std::vector<Segment> segments_;
};

}  // namespace mortar::formats::json
