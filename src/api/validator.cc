#include "api/validator.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/crypto.h"
#include "api/strings.h"

namespace mortar::api {
namespace {

// AWS reports at most this many violations in one message.
constexpr size_t kMaxReported = 10;
constexpr size_t kMaxQuotedValue = 128;

std::string member_path(const std::string& parent, const std::string& member) {
  std::string m = member;
  if (!m.empty()) m[0] = char(std::tolower(static_cast<unsigned char>(m[0])));
  return parent.empty() ? m : str_cat(parent, ".", m);
}

size_t utf8_length(const std::string& s) {
  return size_t(std::count_if(s.begin(), s.end(),
                              [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string format_number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e18) return std::to_string(int64_t(v));
  return str_cat(v);
}

class Walker {
 public:
  std::vector<std::string> errors;

  void fail(const std::string& path, const nlohmann::json* value, const std::string& constraint) {
    if (errors.size() >= kMaxReported) return;
    std::string shown = "";
    if (value == nullptr) {
      shown = " null";
    } else if (value->is_string() && value->get_ref<const std::string&>().size() <= kMaxQuotedValue) {
      shown = str_cat(" '", value->get_ref<const std::string&>(), "'");
    } else if (value->is_number() || value->is_boolean()) {
      shown = str_cat(" '", value->dump(), "'");
    }
    errors.push_back(str_cat("Value", shown, " at '", path.empty() ? "input" : path,
                                  "' failed to satisfy constraint: ", constraint));
  }

  void walk(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (errors.size() >= kMaxReported) return;
    if (shape.is_document) return;
    switch (shape.type) {
      case ShapeType::kStructure: return structure(shape, v, path);
      case ShapeType::kList: return list(shape, v, path);
      case ShapeType::kMap: return map(shape, v, path);
      case ShapeType::kString: return string(shape, v, path);
      case ShapeType::kInteger:
      case ShapeType::kLong: return integer(shape, v, path);
      case ShapeType::kFloat:
      case ShapeType::kDouble:
        if (!v.is_number()) return fail(path, &v, "Member must be a number");
        return range(shape, v.get<double>(), v, path);
      case ShapeType::kBoolean:
        if (!v.is_boolean()) fail(path, &v, "Member must be a boolean");
        return;
      case ShapeType::kTimestamp:
        if (v.is_number()) return;
        if (shape.iso8601_timestamp && v.is_string()) return;
        return fail(path, &v, "Member must be a timestamp in epoch seconds");
      case ShapeType::kBlob: return blob(shape, v, path);
    }
  }

 private:
  void structure(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (!v.is_object()) return fail(path, &v, "Member must be a structure (JSON object)");
    // null means absent: drop it so handlers never see it.
    for (auto it = v.begin(); it != v.end();) {
      if (it->is_null()) {
        it = v.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& name : shape.required) {
      if (!v.contains(name)) fail(member_path(path, name), nullptr, "Member must not be null");
    }
    if (shape.is_union && v.size() != 1) {
      fail(path, &v, str_cat("Exactly one member of ", shape.name, " must be set"));
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto m = shape.members.find(it.key());
      if (m == shape.members.end()) {
        fail(member_path(path, it.key()), nullptr,
             str_cat("Member is not part of ", shape.name, " (unknown member '", it.key(),
                          "')"));
        continue;
      }
      walk(*m->second, it.value(), member_path(path, it.key()));
    }
  }

  void count_bounds(const Shape& shape, size_t n, const nlohmann::json& v,
                    const std::string& path, const char* what) {
    if (shape.min && double(n) < *shape.min) {
      fail(path, &v, str_cat("Member must have ", what, " greater than or equal to ",
                                  format_number(*shape.min)));
    }
    if (shape.max && double(n) > *shape.max) {
      fail(path, &v, str_cat("Member must have ", what, " less than or equal to ",
                                  format_number(*shape.max)));
    }
  }

  void list(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (!v.is_array()) return fail(path, &v, "Member must be a list (JSON array)");
    count_bounds(shape, v.size(), v, path, "length");
    for (size_t i = 0; i < v.size(); ++i) {
      std::string item = str_cat(path.empty() ? "input" : path, ".", i + 1, ".member");
      if (v[i].is_null()) {
        fail(item, nullptr, "Member must not be null");
        continue;
      }
      walk(*shape.member, v[i], item);
    }
  }

  void map(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (!v.is_object()) return fail(path, &v, "Member must be a map (JSON object)");
    count_bounds(shape, v.size(), v, path, "length");
    for (auto it = v.begin(); it != v.end(); ++it) {
      nlohmann::json key = it.key();
      std::string entry = str_cat(path.empty() ? "input" : path, ".", it.key());
      walk(*shape.key, key, str_cat(entry, ".key"));
      if (it->is_null()) {
        fail(entry, nullptr, "Map value must not be null");
        continue;
      }
      walk(*shape.value, it.value(), entry);
    }
  }

  void string(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (!v.is_string()) return fail(path, &v, "Member must be a string");
    const std::string& s = v.get_ref<const std::string&>();
    count_bounds(shape, utf8_length(s), v, path, "length");
    if (!shape.enum_values.empty() &&
        std::find(shape.enum_values.begin(), shape.enum_values.end(), s) ==
            shape.enum_values.end()) {
      fail(path, &v, str_cat("Member must satisfy enum value set: [",
                                  str_join(shape.enum_values, ", "), "]"));
    }
    if (shape.regex && !RE2::FullMatch(s, *shape.regex)) {
      fail(path, &v, str_cat("Member must satisfy regular expression pattern: ",
                                  shape.pattern));
    }
  }

  void integer(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (!v.is_number_integer()) return fail(path, &v, "Member must be an integer");
    double d = v.is_number_unsigned() ? double(v.get<uint64_t>()) : double(v.get<int64_t>());
    if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
      return fail(path, &v, "Member must fit in a 64-bit signed integer");
    }
    if (shape.type == ShapeType::kInteger &&
        (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max())) {
      return fail(path, &v, "Member must fit in a 32-bit signed integer");
    }
    range(shape, d, v, path);
  }

  void range(const Shape& shape, double d, const nlohmann::json& v, const std::string& path) {
    if (shape.min && d < *shape.min) {
      fail(path, &v, str_cat("Member must have value greater than or equal to ",
                                  format_number(*shape.min)));
    }
    if (shape.max && d > *shape.max) {
      fail(path, &v, str_cat("Member must have value less than or equal to ",
                                  format_number(*shape.max)));
    }
  }

  void blob(const Shape& shape, nlohmann::json& v, const std::string& path) {
    if (!v.is_string()) return fail(path, &v, "Member must be base64-encoded binary (a string)");
    auto bytes = base64_decode(v.get_ref<const std::string&>());
    if (!bytes) return fail(path, nullptr, "Member must be valid base64");
    count_bounds(shape, bytes->size(), v, path, "length");
  }
};

}  // namespace

Status validate_input(const Shape& shape, nlohmann::json& input) {
  Walker walker;
  walker.walk(shape, input, "");
  if (walker.errors.empty()) return ok_status();
  size_t n = walker.errors.size();
  return glue_error(absl::StatusCode::kInvalidArgument, "InvalidInputException",
                    str_cat(n, n == 1 ? " validation error" : " validation errors",
                                 " detected: ", str_join(walker.errors, "; ")));
}

}  // namespace mortar::api
