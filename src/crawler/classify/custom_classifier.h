// A crawler's custom classifiers (Glue Classifier objects): grok, XML, JSON
// and CSV. One that matches a file gives certainty 1.0 and its own
// Classification string. Immutable after parse(); thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "crawler/classify/classify_steps.h"
#include "crawler/crawl_types.h"

namespace mortar::crawler {

class CustomClassifier {
 public:
  virtual ~CustomClassifier() = default;
  // {"GrokClassifier": {...}} | {"XMLClassifier": {...}} | {"JsonClassifier": {...}}
  // | {"CsvClassifier": {...}}; InvalidInput naming the classifier when malformed.
  static StatusOr<std::unique_ptr<CustomClassifier>> parse(const Json& definition);

  const std::string& name() const { return name_; }
  virtual Classification classify(ClassifyInput& in) const = 0;

 protected:
  std::string name_;
};

}  // namespace mortar::crawler
