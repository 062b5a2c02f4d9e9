#include "formats/xml/xml_timestamps.h"

#include "types/temporal.h"

namespace mortar::formats::xml {

using simdjson::dom::element_type;
using types::DataType;
using types::TypeKind;
using types::TypePtr;

namespace {
constexpr int kMaxDepth = 64;  // as json_inference: deeper values are strings
}  // namespace

void TimestampNode::observe(simdjson::dom::element v, int depth) {
  switch (v.type()) {
    case element_type::NULL_VALUE:
      return;
    case element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      int64_t micros;
      // A time of day is required: "YYYY-MM-DD" + 'T' or ' ' + "HH:MM".
      if (s.size() >= 16 && (s[10] == 'T' || s[10] == ' ') && types::try_parse_timestamp(s, &micros))
        any_ = true;
      else
        other_ = true;
      return;
    }
    case element_type::ARRAY:
      if (depth >= kMaxDepth) { other_ = true; return; }
      {
        if (!element_) element_ = std::make_unique<TimestampNode>();
        simdjson::dom::array arr;
        if (v.get_array().get(arr)) return;
        for (simdjson::dom::element e : arr) element_->observe(e, depth + 1);
      }
      return;
    case element_type::OBJECT:
      if (depth >= kMaxDepth) { other_ = true; return; }
      {
        simdjson::dom::object obj;
        if (v.get_object().get(obj)) return;
        for (auto kv : obj) {
          auto it = fields_.find(kv.key);
          if (it == fields_.end())
            it = fields_.emplace(std::string(kv.key), std::make_unique<TimestampNode>()).first;
          it->second->observe(kv.value, depth + 1);
        }
      }
      return;
    default:
      other_ = true;
      return;
  }
}

TypePtr TimestampNode::apply(const TypePtr& type) const {
  switch (type->kind()) {
    case TypeKind::kString:
      return any_ && !other_ ? DataType::timestamp() : type;
    case TypeKind::kArray:
      return element_ ? DataType::array(element_->apply(type->element())) : type;
    case TypeKind::kStruct: {
      std::vector<types::Field> fields;
      for (const auto& f : type->fields()) {
        auto it = fields_.find(f.name);
        fields.push_back({f.name, it == fields_.end() ? f.type : it->second->apply(f.type)});
      }
      return DataType::structure(std::move(fields));
    }
    default:
      return type;  // choices keep their alternatives as inferred
  }
}

}  // namespace mortar::formats::xml
