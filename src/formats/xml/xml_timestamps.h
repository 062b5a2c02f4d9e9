// Timestamp inference beside the JSON reader's InferNode (which knows only
// JSON types): tracks, per field path, whether every string seen parses as
// a timestamp with a time of day ("2013-01-24T06:18:43Z", "2020-01-02
// 03:04:05.5"), and turns such string leaves of the inferred type into
// timestamp, as spark-xml infers TimestampType. Dates alone stay strings.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <simdjson.h>

#include "types/data_type.h"

namespace mortar::formats::xml {

class TimestampNode {
 public:
  void observe(simdjson::dom::element v, int depth = 0);
  // `type` (inferred from the same values) with all-timestamp string leaves
  // replaced by timestamp.
  types::TypePtr apply(const types::TypePtr& type) const;

 private:
  bool any_ = false;   // a timestamp string was seen
  bool other_ = false; // some other non-null value was seen
  std::map<std::string, std::unique_ptr<TimestampNode>, std::less<>> fields_;
  std::unique_ptr<TimestampNode> element_;
};

}  // namespace mortar::formats::xml
