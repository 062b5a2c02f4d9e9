#include "api/glue_model.h"

#include <re2/re2.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include "api/strings.h"


namespace mortar::api {
namespace {

std::optional<ShapeType> parse_type(const std::string& t) {
  static const std::map<std::string, ShapeType> kTypes = {
      {"structure", ShapeType::kStructure}, {"list", ShapeType::kList},
      {"map", ShapeType::kMap},             {"string", ShapeType::kString},
      {"integer", ShapeType::kInteger},     {"long", ShapeType::kLong},
      {"float", ShapeType::kFloat},         {"double", ShapeType::kDouble},
      {"boolean", ShapeType::kBoolean},     {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob},
  };
  auto it = kTypes.find(t);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

int hex4(std::string_view s) {
  if (s.size() < 4) return -1;
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    char c = s[i];
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

}  // namespace

std::optional<std::string> java_pattern_to_re2(std::string_view p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\' && i + 1 < p.size()) {
      if (p[i + 1] == 'u') {
        int cp = hex4(p.substr(i + 2));
        if (cp < 0) return std::nullopt;
        size_t used = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A surrogate pair \uD8xx\uDCxx names one supplementary code point.
          if (p.substr(i + 6, 2) != "\\u") return std::nullopt;
          int lo = hex4(p.substr(i + 8));
          if (lo < 0xDC00 || lo > 0xDFFF) return std::nullopt;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          used = 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return std::nullopt;
        }
        str_append(&out, "\\x{", hex_upper(uint32_t(cp)), "}");
        i += used - 1;
        continue;
      }
      out += p[i];
      out += p[i + 1];
      ++i;
      continue;
    }
    out += p[i];
  }
  return out;
}

StatusOr<std::unique_ptr<ServiceModel>> ServiceModel::parse(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return internal_error("Glue model: not valid JSON");
  auto model = std::make_unique<ServiceModel>();
  model->target_prefix_ = doc["metadata"].value("targetPrefix", "AWSGlue");
  const auto& shapes = doc["shapes"];
  for (auto it = shapes.begin(); it != shapes.end(); ++it) {
    auto shape = std::make_unique<Shape>();
    shape->name = it.key();
    model->shapes_[it.key()] = std::move(shape);
  }
  auto ref = [&](const nlohmann::json& j, const char* field) -> StatusOr<const Shape*> {
    if (!j.contains(field)) return nullptr;
    auto found = model->shapes_.find(j[field].get<std::string>());
    if (found == model->shapes_.end()) {
      return internal_error(str_cat("Glue model: unknown shape ", j[field].dump()));
    }
    return found->second.get();
  };
  RE2::Options re_options;
  re_options.set_log_errors(false);
  for (auto it = shapes.begin(); it != shapes.end(); ++it) {
    const auto& j = it.value();
    Shape& s = *model->shapes_[it.key()];
    auto type = parse_type(j.value("type", ""));
    if (!type) return internal_error(str_cat("Glue model: shape ", s.name, " has bad type"));
    s.type = *type;
    if (j.contains("members")) {
      for (auto m = j["members"].begin(); m != j["members"].end(); ++m) {
        auto found = model->shapes_.find(m.value().get<std::string>());
        if (found == model->shapes_.end()) return internal_error("Glue model: unknown member shape");
        s.members[m.key()] = found->second.get();
      }
    }
    if (j.contains("required")) s.required = j["required"].get<std::vector<std::string>>();
    MORTAR_ASSIGN_OR_RETURN(s.member, ref(j, "member"));
    MORTAR_ASSIGN_OR_RETURN(s.key, ref(j, "key"));
    MORTAR_ASSIGN_OR_RETURN(s.value, ref(j, "value"));
    if (j.contains("min")) s.min = j["min"].get<double>();
    if (j.contains("max")) s.max = j["max"].get<double>();
    if (j.contains("enum")) s.enum_values = j["enum"].get<std::vector<std::string>>();
    s.is_union = j.value("union", false);
    s.is_document = j.value("document", false);
    s.is_exception = j.value("exception", false);
    s.is_fault = j.value("fault", false);
    s.iso8601_timestamp = j.value("timestampFormat", "") == "iso8601";
    if (j.contains("pattern")) {
      s.pattern = j["pattern"].get<std::string>();
      // Patterns RE2 cannot express (look-arounds, lone surrogates) are skipped.
      if (auto translated = java_pattern_to_re2(s.pattern)) {
        auto re = std::make_shared<RE2>(*translated, re_options);
        if (re->ok()) s.regex = std::move(re);
      }
    }
  }
  for (auto it = doc["operations"].begin(); it != doc["operations"].end(); ++it) {
    Operation op;
    op.name = it.key();
    MORTAR_ASSIGN_OR_RETURN(op.input, ref(it.value(), "input"));
    MORTAR_ASSIGN_OR_RETURN(op.output, ref(it.value(), "output"));
    op.errors = it.value().value("errors", std::vector<std::string>{});
    model->operations_[op.name] = std::move(op);
  }
  return model;
}

const ServiceModel& ServiceModel::embedded() {
  static const ServiceModel* model = [] {
    auto parsed = parse(embedded_glue_model_json());
    if (!parsed.ok()) std::abort();  // the build embedded a broken model
    return parsed->release();
  }();
  return *model;
}

const ServiceModel& ServiceModel::embedded_logs() {
  static const ServiceModel* model = [] {
    auto parsed = parse(embedded_logs_model_json());
    if (!parsed.ok()) std::abort();  // the build embedded a broken model
    return parsed->release();
  }();
  return *model;
}

const ServiceModel& ServiceModel::embedded_events() {
  static const ServiceModel* model = [] {
    auto parsed = parse(embedded_events_model_json());
    if (!parsed.ok()) std::abort();  // the build embedded a broken model
    return parsed->release();
  }();
  return *model;
}

const Operation* ServiceModel::find_operation(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::find_shape(std::string_view name) const {
  auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ServiceModel::operation_names() const {
  std::vector<std::string> out;
  for (const auto& [name, op] : operations_) out.push_back(name);
  return out;
}

}  // namespace mortar::api
