// SplitRows: the records that satisfy every comparison of Glue's
// comparison_dict ({"age": {">": 10, "<": 20}}) and those that do not.
// SplitFields is select_fields + drop_fields (see dynamic_frame.cc).
#include <cmath>
#include <optional>

#include "engine/field_path.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Value;

namespace {

// -1/0/1, or nullopt when the values do not compare (null, other kinds).
std::optional<int> compare(const Value& a, const Value& b) {
  using K = Value::Kind;
  if (a.is_null() || b.is_null()) return std::nullopt;
  auto number = [](const Value& v, double* out) {
    switch (v.kind()) {
      case K::kInt:
        *out = static_cast<double>(v.as_int());
        return true;
      case K::kDouble:
        *out = v.as_double();
        return true;
      case K::kDecimal:
        *out = static_cast<double>(v.as_decimal().unscaled) / std::pow(10.0, v.as_decimal().scale);
        return true;
      default:
        return false;
    }
  };
  if (a.kind() == K::kInt && b.kind() == K::kInt)
    return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
  double x, y;
  if (number(a, &x) && number(b, &y)) {
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind() == K::kString && b.kind() == K::kString) {
    int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.kind() == K::kBool && b.kind() == K::kBool) return int(a.as_bool()) - int(b.as_bool());
  if (a.kind() == K::kDate && b.kind() == K::kDate)
    return a.as_date() < b.as_date() ? -1 : a.as_date() > b.as_date() ? 1 : 0;
  if (a.kind() == K::kTimestamp && b.kind() == K::kTimestamp)
    return a.as_timestamp() < b.as_timestamp() ? -1 : a.as_timestamp() > b.as_timestamp() ? 1 : 0;
  if (a == b) return 0;
  return std::nullopt;
}

bool holds(const Comparison& c, const Record& r) {
  auto cmp = compare(r.get(c.path), c.value);
  if (!cmp) return false;
  if (c.op == "<") return *cmp < 0;
  if (c.op == "<=") return *cmp <= 0;
  if (c.op == ">") return *cmp > 0;
  if (c.op == ">=") return *cmp >= 0;
  if (c.op == "=" || c.op == "==") return *cmp == 0;
  return *cmp != 0;  // "!="
}

}  // namespace

StatusOr<std::pair<NodePtr, NodePtr>> make_split_rows(NodePtr input,
                                                      const std::vector<Comparison>& comparisons,
                                                      const TransformOptions& options) {
  if (comparisons.empty()) return invalid_input("SplitRows: no comparisons");
  for (const Comparison& c : comparisons) {
    MORTAR_RETURN_IF_ERROR(parse_path(c.path).status());
    if (c.op != "<" && c.op != "<=" && c.op != ">" && c.op != ">=" && c.op != "=" && c.op != "==" &&
        c.op != "!=")
      return invalid_input("SplitRows: unknown operator '" + c.op +
                           "' (expected <, <=, >, >=, =, !=)");
  }
  auto all = [comparisons](const Record& r) {
    for (const Comparison& c : comparisons)
      if (!holds(c, r)) return false;
    return true;
  };
  NodePtr yes = make_filter(input, all, options);
  NodePtr no = make_filter(
      input, [all](const Record& r) { return !all(r); }, options);
  return std::make_pair(yes, no);
}

}  // namespace mortar::engine
