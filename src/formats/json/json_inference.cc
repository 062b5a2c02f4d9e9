#include "formats/json/json_inference.h"

namespace mortar::formats::json {

using simdjson::dom::element_type;
using types::DataType;
using types::TypePtr;

namespace {
// Deeper nesting than this is kept as JSON text (a string), which bounds the
// recursion on hostile input.
constexpr int kMaxDepth = 64;
}  // namespace

void InferNode::observe(simdjson::dom::element v, int depth) {
  switch (v.type()) {
    case element_type::NULL_VALUE: return;
    case element_type::BOOL: has_bool_ = true; return;
    case element_type::INT64: has_int_ = true; return;
    case element_type::UINT64: {
      uint64_t u = v.get_uint64().value_unsafe();
      if (u > static_cast<uint64_t>(INT64_MAX)) has_double_ = true;
      else has_int_ = true;
      return;
    }
    case element_type::DOUBLE: has_double_ = true; return;
    case element_type::STRING: has_string_ = true; return;
    case element_type::ARRAY: {
      if (depth >= kMaxDepth) { has_string_ = true; return; }
      has_array_ = true;
      if (!element_) element_ = std::make_unique<InferNode>();
      simdjson::dom::array arr = v.get_array().value_unsafe();
      for (simdjson::dom::element e : arr) element_->observe(e, depth + 1);
      return;
    }
    case element_type::OBJECT: {
      if (depth >= kMaxDepth) { has_string_ = true; return; }
      has_object_ = true;
      simdjson::dom::object obj = v.get_object().value_unsafe();
  for (auto kv : obj) {
        std::string key(kv.key);
        auto it = index_.find(key);
        InferNode* node;
        if (it == index_.end()) {
          index_.emplace(key, fields_.size());
          fields_.emplace_back(key, std::make_unique<InferNode>());
          node = fields_.back().second.get();
        } else {
          node = fields_[it->second].second.get();
        }
        node->observe(kv.value, depth + 1);
      }
      return;
    }
  }
}

TypePtr InferNode::to_type(bool top) const {
  std::vector<TypePtr> alts;
  if (has_bool_) alts.push_back(DataType::boolean());
  if (has_double_) alts.push_back(DataType::float64());
  else if (has_int_) alts.push_back(DataType::bigint());
  if (has_string_) alts.push_back(DataType::string());
  if (has_array_) alts.push_back(DataType::array(element_ ? element_->to_type() : DataType::string()));
  if (has_object_) {
    std::vector<types::Field> fields;
    fields.reserve(fields_.size());
    for (const auto& [name, node] : fields_) fields.push_back({name, node->to_type()});
    alts.push_back(DataType::structure(std::move(fields)));
  }
  if (alts.empty()) return DataType::string();
  if (alts.size() == 1) return alts[0];
  return DataType::choice(std::move(alts));
}

}  // namespace mortar::formats::json
