// A botocore service model (Glue's; CloudWatch Logs' and EventBridge's for
// those APIs), embedded at build time by scripts/gen_glue_model.py and parsed once into
// these structures: the operations (input/output shapes, error names) and the
// shapes with the constraints the request validator checks. Immutable once
// built, so thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace re2 {
class RE2;
}

namespace mortar::api {

enum class ShapeType {
  kStructure, kList, kMap, kString, kInteger, kLong, kFloat, kDouble, kBoolean, kTimestamp, kBlob,
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::kString;
  std::map<std::string, const Shape*> members;  // structure
  std::vector<std::string> required;
  const Shape* member = nullptr;  // list
  const Shape* key = nullptr;     // map
  const Shape* value = nullptr;   // map
  std::optional<double> min, max;  // length, count or value, by type
  std::string pattern;              // as in the model (Java syntax)
  std::shared_ptr<re2::RE2> regex;  // null when absent or not expressible in RE2
  std::vector<std::string> enum_values;
  bool is_union = false;
  bool is_document = false;  // any JSON value
  bool is_exception = false;
  bool is_fault = false;
  bool iso8601_timestamp = false;  // timestamp sent as an ISO-8601 string
};

struct Operation {
  std::string name;
  const Shape* input = nullptr;   // null: the operation takes no input
  const Shape* output = nullptr;
  std::vector<std::string> errors;
};

class ServiceModel {
 public:
  // Glue's model, embedded at build time; parsed on first use.
  static const ServiceModel& embedded();
  // CloudWatch Logs' model, likewise.
  static const ServiceModel& embedded_logs();
  // EventBridge's (AWSEvents.*), likewise.
  static const ServiceModel& embedded_events();
  static StatusOr<std::unique_ptr<ServiceModel>> parse(std::string_view json);

  const Operation* find_operation(std::string_view name) const;
  const Shape* find_shape(std::string_view name) const;
  std::vector<std::string> operation_names() const;
  const std::string& target_prefix() const { return target_prefix_; }  // "AWSGlue", "Logs_20140328"

 private:
  std::string target_prefix_;
  std::map<std::string, std::unique_ptr<Shape>, std::less<>> shapes_;
  std::map<std::string, Operation, std::less<>> operations_;
};

using GlueModel = ServiceModel;

// Rewrites a model pattern (Java syntax: \uXXXX escapes, surrogate pairs) for
// RE2; nullopt when it cannot be expressed (lone surrogates).
std::optional<std::string> java_pattern_to_re2(std::string_view pattern);

// The botocore version the embedded model came from.
std::string_view embedded_glue_model_botocore_version();
std::string_view embedded_glue_model_json();
std::string_view embedded_logs_model_botocore_version();
std::string_view embedded_logs_model_json();
std::string_view embedded_events_model_botocore_version();
std::string_view embedded_events_model_json();

}  // namespace mortar::api
