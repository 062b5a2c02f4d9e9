#include "formats/json/json_path.h"

#include <fmt/format.h>

namespace mortar::formats::json {

StatusOr<JsonPath> JsonPath::parse(const std::string& text) {
  JsonPath path;
  auto bad = [&](size_t at, const char* what) {
    return invalid_input(fmt::format("jsonPath '{}': at offset {}: {}", text, at, what));
  };
  if (text.empty() || text[0] != '$') return bad(0, "must start with '$'");
  size_t i = 1;
  while (i < text.size()) {
    if (text[i] == '.') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '.' && text[j] != '[') ++j;
      if (j == i + 1) return bad(i + 1, "expected a field name");
      std::string key = text.substr(i + 1, j - i - 1);
      if (key == "*") path.segments_.push_back({Segment::kAll, "", 0});
      else path.segments_.push_back({Segment::kKey, key, 0});
      i = j;
    } else if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string::npos) return bad(i, "missing ']'");
      std::string inner = text.substr(i + 1, close - i - 1);
      if (inner == "*") {
        path.segments_.push_back({Segment::kAll, "", 0});
      } else if (inner.size() >= 2 && (inner[0] == '\'' || inner[0] == '"') &&
                 inner.back() == inner[0]) {
        path.segments_.push_back({Segment::kKey, inner.substr(1, inner.size() - 2), 0});
      } else if (!inner.empty() && inner.find_first_not_of("0123456789") == std::string::npos) {
        path.segments_.push_back({Segment::kIndex, "", std::stoul(inner)});
      } else {
        return bad(i + 1, "expected *, a number or a quoted name");
      }
      i = close + 1;
    } else {
      return bad(i, "expected '.' or '['");
    }
  }
  return path;
}

Status JsonPath::select(simdjson::dom::element root,
                        const std::function<Status(simdjson::dom::element)>& fn) const {
  return visit(root, 0, fn);
}

Status JsonPath::visit(simdjson::dom::element v, size_t i,
                       const std::function<Status(simdjson::dom::element)>& fn) const {
  if (i == segments_.size()) return fn(v);
  const Segment& s = segments_[i];
  switch (s.kind) {
    case Segment::kKey: {
      simdjson::dom::object obj;
      if (v.get_object().get(obj)) return ok_status();
      simdjson::dom::element child;
      if (obj.at_key(s.key).get(child)) return ok_status();
      return visit(child, i + 1, fn);
    }
    case Segment::kAll: {
      simdjson::dom::array arr;
      simdjson::dom::object obj;
      if (!v.get_array().get(arr)) {
        for (simdjson::dom::element e : arr) MORTAR_RETURN_IF_ERROR(visit(e, i + 1, fn));
      } else if (!v.get_object().get(obj)) {
        for (auto kv : obj) MORTAR_RETURN_IF_ERROR(visit(kv.value, i + 1, fn));
      }
      return ok_status();
    }
    case Segment::kIndex: {
      simdjson::dom::array arr;
      if (v.get_array().get(arr)) return ok_status();
      simdjson::dom::element child;
      if (arr.at(s.index).get(child)) return ok_status();
      return visit(child, i + 1, fn);
    }
  }
  return ok_status();
}

}  // namespace mortar::formats::json
