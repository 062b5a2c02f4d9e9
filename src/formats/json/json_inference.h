// Schema inference for JSON records, merging across records as DynamicFrame
// does: int and double widen to double; other disagreements (int vs string,
// object vs array ...) become choice<...>; objects merge field by field (in
// first-seen order) into structs; arrays merge their elements. A field only
// ever null is a string. Observing is allocation-light (a mutable tree, not
// a type per record).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "types/data_type.h"

namespace mortar::formats::json {

class InferNode {
 public:
  void observe(simdjson::dom::element v, int depth = 0);
  // The merged type; `null_as` replaces types never seen with a value.
  types::TypePtr to_type(bool top = false) const;

  bool saw_object() const { return has_object_; }
  bool saw_non_object() const { return has_bool_ || has_int_ || has_double_ || has_string_ || has_array_; }
  const std::vector<std::pair<std::string, std::unique_ptr<InferNode>>>& fields() const {
    return fields_;
  }

 private:
  bool has_bool_ = false, has_int_ = false, has_double_ = false, has_string_ = false;
  bool has_array_ = false, has_object_ = false;
  std::unique_ptr<InferNode> element_;
  std::vector<std::pair<std::string, std::unique_ptr<InferNode>>> fields_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace mortar::formats::json
