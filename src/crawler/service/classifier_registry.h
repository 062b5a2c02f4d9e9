// Custom classifiers (Glue's CreateClassifier ... DeleteClassifier) for the
// four kinds: GrokClassifier, XMLClassifier, JsonClassifier, CsvClassifier.
// Stored per account as Glue Classifier objects ({"CsvClassifier": {...}})
// with CreationTime, LastUpdated and Version maintained here. Thread-safe
// (every call is one store transaction).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace mortar::crawler {

using Json = nlohmann::json;

class ClassifierRegistry {
 public:
  ClassifierRegistry(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // `request`: the CreateClassifier/UpdateClassifier input (exactly one of
  // GrokClassifier, XMLClassifier, JsonClassifier, CsvClassifier).
  Status create(const std::string& account, const Json& request);
  Status update(const std::string& account, const Json& request);
  StatusOr<Json> get(const std::string& account, const std::string& name);
  // Names after `after`; sets `*more` when another page follows.
  StatusOr<std::vector<Json>> list(const std::string& account, const std::string& after, int limit,
                                   bool* more);
  Status remove(const std::string& account, const std::string& name);

  // The named classifiers in order; missing names are returned in `missing`.
  StatusOr<std::vector<Json>> resolve(const std::string& account,
                                      const std::vector<std::string>& names,
                                      std::vector<std::string>* missing);

 private:
  store::Store& store_;
  const Clock& clock_;
};

// The name a Classifier object carries ("" when malformed).
std::string classifier_name(const Json& classifier);

}  // namespace mortar::crawler
