#include "events/event_pattern.h"

#include <utility>

#include "common/ascii.h"

namespace mortar::events {

using Json = nlohmann::json;

namespace {

// Bounds on what a caller's pattern may cost (EventBridge caps a pattern at
// 4096 characters; parse() may be given more, e.g. by the fuzzer).
constexpr int kMaxDepth = 16;
constexpr size_t kMaxValues = 2000;

enum class Kind {
  kExact,
  kPrefix,
  kSuffix,
  kEqualsIgnoreCase,
  kAnythingBut,  // `values`: none may equal
  kAnythingButPrefix,
  kAnythingButSuffix,
  kExists,  // `exists`
  kNumeric,
};

struct Comparison {
  std::string op;  // <, <=, =, >, >=
  double value = 0;
};

struct Matcher {
  Kind kind = Kind::kExact;
  Json value;                           // kExact
  std::string text;                     // prefix / suffix / ignore-case
  std::vector<Json> values;             // kAnythingBut
  bool exists = true;                   // kExists
  std::vector<Comparison> comparisons;  // kNumeric
};

Status bad_pattern(const std::string& reason) {
  return glue_error(absl::StatusCode::kInvalidArgument, "InvalidEventPatternException",
                    "Event pattern is not valid. Reason: " + reason);
}

bool scalar(const Json& v) {
  return v.is_string() || v.is_number() || v.is_boolean() || v.is_null();
}

bool equal_scalars(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  return a == b;
}

bool compare(double v, const Comparison& c) {
  if (c.op == "<") return v < c.value;
  if (c.op == "<=") return v <= c.value;
  if (c.op == "=") return v == c.value;
  if (c.op == ">") return v > c.value;
  return v >= c.value;
}

bool matches_scalar(const Matcher& m, const Json& v) {
  switch (m.kind) {
    case Kind::kExact:
      return equal_scalars(m.value, v);
    case Kind::kPrefix:
      return v.is_string() && v.get_ref<const std::string&>().starts_with(m.text);
    case Kind::kSuffix:
      return v.is_string() && v.get_ref<const std::string&>().ends_with(m.text);
    case Kind::kEqualsIgnoreCase:
      return v.is_string() && ascii_lower(v.get_ref<const std::string&>()) == m.text;
    case Kind::kAnythingBut:
      for (const Json& x : m.values) {
        if (equal_scalars(x, v)) return false;
      }
      return true;
    case Kind::kAnythingButPrefix:
      return v.is_string() && !v.get_ref<const std::string&>().starts_with(m.text);
    case Kind::kAnythingButSuffix:
      return v.is_string() && !v.get_ref<const std::string&>().ends_with(m.text);
    case Kind::kExists:
      return m.exists;
    case Kind::kNumeric:
      if (!v.is_number()) return false;
      for (const Comparison& c : m.comparisons) {
        if (!compare(v.get<double>(), c)) return false;
      }
      return true;
  }
  return false;
}

StatusOr<std::vector<Comparison>> parse_numeric(const std::string& field, const Json& spec) {
  if (!spec.is_array() || spec.empty() || spec.size() > 4 || spec.size() % 2 != 0) {
    return bad_pattern("numeric of \"" + field +
                       "\" must be an array of one or two [operator, number] pairs");
  }
  std::vector<Comparison> out;
  for (size_t i = 0; i < spec.size(); i += 2) {
    const Json& op = spec[i];
    const Json& num = spec[i + 1];
    if (!op.is_string() || !num.is_number()) {
      return bad_pattern("numeric of \"" + field + "\" must alternate operators and numbers");
    }
    const std::string& o = op.get_ref<const std::string&>();
    if (o != "<" && o != "<=" && o != "=" && o != ">" && o != ">=") {
      return bad_pattern("Unrecognized numeric range operator: " + o);
    }
    out.push_back({o, num.get<double>()});
  }
  return out;
}

StatusOr<Matcher> parse_matcher(const std::string& field, const Json& v) {
  Matcher m;
  if (scalar(v)) {
    m.value = v;
    return m;
  }
  if (!v.is_object()) {
    return bad_pattern("Match value of \"" + field +
                       "\" must be a string, number, boolean, "
                       "null or an object, not an array");
  }
  if (v.size() != 1) {
    return bad_pattern("A match object of \"" + field + "\" must have exactly one member");
  }
  const std::string& op = v.begin().key();
  const Json& arg = v.begin().value();
  auto need_string = [&](Kind kind) -> StatusOr<Matcher> {
    if (!arg.is_string()) return bad_pattern(op + " match of \"" + field + "\" must be a string");
    m.kind = kind;
    m.text = kind == Kind::kEqualsIgnoreCase ? ascii_lower(arg.get<std::string>())
                                             : arg.get<std::string>();
    return m;
  };
  if (op == "prefix") return need_string(Kind::kPrefix);
  if (op == "suffix") return need_string(Kind::kSuffix);
  if (op == "equals-ignore-case") return need_string(Kind::kEqualsIgnoreCase);
  if (op == "exists") {
    if (!arg.is_boolean())
      return bad_pattern("exists match of \"" + field + "\" must be a boolean");
    m.kind = Kind::kExists;
    m.exists = arg.get<bool>();
    return m;
  }
  if (op == "numeric") {
    m.kind = Kind::kNumeric;
    MORTAR_ASSIGN_OR_RETURN(m.comparisons, parse_numeric(field, arg));
    return m;
  }
  if (op == "anything-but") {
    if (arg.is_object()) {
      if (arg.size() != 1 || !arg.begin().value().is_string() ||
          (arg.begin().key() != "prefix" && arg.begin().key() != "suffix")) {
        return bad_pattern(
            "anything-but of \"" + field +
            "\" takes a value, a list of values, or {\"prefix\"|\"suffix\": string}");
      }
      m.kind = arg.begin().key() == "prefix" ? Kind::kAnythingButPrefix : Kind::kAnythingButSuffix;
      m.text = arg.begin().value().get<std::string>();
      return m;
    }
    m.kind = Kind::kAnythingBut;
    if (scalar(arg)) {
      m.values.push_back(arg);
      return m;
    }
    if (!arg.is_array() || arg.empty()) {
      return bad_pattern("anything-but of \"" + field + "\" must not be an empty list");
    }
    for (const Json& x : arg) {
      if (!scalar(x)) {
        return bad_pattern("anything-but list of \"" + field + "\" must hold strings or numbers");
      }
      m.values.push_back(x);
    }
    return m;
  }
  return bad_pattern("Unrecognized match type " + op.substr(0, 64) + " (of \"" + field +
                     "\"; Mortar matches exact values, prefix, suffix, equals-ignore-case, "
                     "anything-but, exists and numeric)");
}

}  // namespace

struct EventPattern::Node {
  // Either members (an object in the pattern: keys[i] -> children[i]) or
  // matchers (a leaf array). Two vectors, as std::pair needs a complete Node.
  std::vector<std::string> keys;
  std::vector<Node> children;
  std::vector<Matcher> matchers;
  bool leaf = false;
};

namespace {

using Node = EventPattern::Node;

Status build(const Json& j, Node& node, int depth, size_t& values, const std::string& path) {
  if (depth > kMaxDepth) return bad_pattern("nested more than 16 levels deep at \"" + path + "\"");
  if (j.is_object()) {
    if (j.empty() && depth > 0) return bad_pattern("\"" + path + "\" must not be an empty object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string field = path.empty() ? it.key() : path + "." + it.key();
      if (it.key().starts_with("$")) {
        return bad_pattern("\"" + it.key().substr(0, 64) + "\" is not supported by Mortar");
      }
      Node child;
      MORTAR_RETURN_IF_ERROR(build(it.value(), child, depth + 1, values, field));
      node.keys.push_back(it.key());
      node.children.push_back(std::move(child));
    }
    return ok_status();
  }
  if (depth == 0) return bad_pattern("the pattern must be a JSON object");
  if (!j.is_array()) {
    return bad_pattern("\"" + path + "\" must be an object or an array");
  }
  if (j.empty()) return bad_pattern("Empty arrays are not allowed (\"" + path + "\")");
  node.leaf = true;
  for (const Json& v : j) {
    if (++values > kMaxValues) return bad_pattern("the pattern has too many values");
    MORTAR_ASSIGN_OR_RETURN(Matcher m, parse_matcher(path, v));
    node.matchers.push_back(std::move(m));
  }
  return ok_status();
}

bool match_leaf(const Node& node, const Json* value) {
  if (value == nullptr) {
    for (const Matcher& m : node.matchers) {
      if (m.kind == Kind::kExists && !m.exists) return true;
    }
    return false;
  }
  auto one = [&](const Json& v) {
    if (!scalar(v)) return false;  // exists and the rest match leaves only
    for (const Matcher& m : node.matchers) {
      if (matches_scalar(m, v)) return true;
    }
    return false;
  };
  if (value->is_array()) {
    if (value->empty()) return match_leaf(node, nullptr);
    for (const Json& v : *value) {
      if (one(v)) return true;
    }
    return false;
  }
  return one(*value);
}

bool match_node(const Node& node, const Json* value) {
  if (node.leaf) return match_leaf(node, value);
  if (value != nullptr && value->is_array()) {
    for (const Json& v : *value) {
      if (v.is_object() && match_node(node, &v)) return true;
    }
    return false;
  }
  const bool object = value != nullptr && value->is_object();
  for (size_t i = 0; i < node.keys.size(); ++i) {
    const Json* sub = nullptr;
    if (object) {
      auto it = value->find(node.keys[i]);
      if (it != value->end()) sub = &*it;
    }
    if (!match_node(node.children[i], sub)) return false;
  }
  return true;
}

}  // namespace

StatusOr<EventPattern> EventPattern::parse(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad_pattern("the pattern is not valid JSON");
  return from_json(j);
}

StatusOr<EventPattern> EventPattern::from_json(const Json& pattern) {
  auto root = std::make_shared<Node>();
  size_t values = 0;
  MORTAR_RETURN_IF_ERROR(build(pattern, *root, 0, values, ""));
  return EventPattern(std::move(root));
}

bool EventPattern::matches(const Json& event) const { return match_node(*root_, &event); }

const EventPattern::Node* EventPattern::find(const std::vector<std::string>& path) const {
  const Node* node = root_.get();
  for (const std::string& key : path) {
    const Node* next = nullptr;
    for (size_t i = 0; i < node->keys.size(); ++i) {
      if (node->keys[i] == key) next = &node->children[i];
    }
    if (next == nullptr) return nullptr;
    node = next;
  }
  return node;
}

std::vector<std::string> EventPattern::exact_strings(const std::vector<std::string>& path) const {
  std::vector<std::string> out;
  const Node* node = find(path);
  if (node == nullptr || !node->leaf) return out;
  for (const Matcher& m : node->matchers) {
    if (m.kind != Kind::kExact || !m.value.is_string()) return {};
    out.push_back(m.value.get<std::string>());
  }
  return out;
}

std::vector<std::string> EventPattern::prefixes(const std::vector<std::string>& path) const {
  std::vector<std::string> out;
  const Node* node = find(path);
  if (node == nullptr || !node->leaf) return out;
  for (const Matcher& m : node->matchers) {
    if (m.kind == Kind::kPrefix) out.push_back(m.text);
  }
  return out;
}

}  // namespace mortar::events
