#include "crawler/service/classifier_registry.h"

#include "crawler/service/crawler_rows.h"

namespace mortar::crawler {
namespace {

constexpr const char* kKinds[] = {"GrokClassifier", "XMLClassifier", "JsonClassifier",
                                  "CsvClassifier"};

// The one kind a request names, with its body.
StatusOr<std::pair<std::string, Json>> one_kind(const Json& request) {
  std::pair<std::string, Json> found;
  int n = 0;
  for (const char* kind : kKinds) {
    auto it = request.find(kind);
    if (it != request.end() && it->is_object()) {
      found = {kind, *it};
      ++n;
    }
  }
  if (n != 1) {
    return invalid_input(
        "Exactly one of GrokClassifier, XMLClassifier, JsonClassifier or CsvClassifier must be "
        "given.");
  }
  if (!found.second.contains("Name") || !found.second["Name"].is_string() ||
      found.second["Name"].get<std::string>().empty()) {
    return invalid_input("Classifier name must be given.");
  }
  return found;
}

// Glue's semantic checks beyond the model's shapes.
Status validate(const std::string& kind, const Json& body) {
  if (kind == "GrokClassifier") {
    if (body.value("GrokPattern", "").empty())
      return invalid_input("GrokPattern must not be empty.");
  } else if (kind == "JsonClassifier") {
    std::string path = body.value("JsonPath", "");
    if (path.empty() || path[0] != '$') {
      return invalid_input("JsonPath must be a JsonPath expression starting with '$': " + path);
    }
  } else if (kind == "XMLClassifier") {
    std::string tag = body.value("RowTag", "");
    if (tag.find_first_of("<> ") != std::string::npos) {
      return invalid_input("RowTag must be an element name without '<', '>' or spaces: " + tag);
    }
  } else if (kind == "CsvClassifier") {
    std::string delim = body.value("Delimiter", ""), quote = body.value("QuoteSymbol", "");
    if (!delim.empty() && delim == quote) {
      return invalid_input("Delimiter and QuoteSymbol of a CsvClassifier must differ.");
    }
    if (body.contains("CustomDatatypes") && !body.value("CustomDatatypeConfigured", false)) {
      return invalid_input("CustomDatatypes require CustomDatatypeConfigured to be true.");
    }
  }
  return ok_status();
}

}  // namespace

std::string classifier_name(const Json& classifier) {
  if (!classifier.is_object()) return "";
  for (const char* kind : kKinds) {
    auto it = classifier.find(kind);
    if (it != classifier.end() && it->is_object()) return it->value("Name", "");
  }
  return "";
}

Status ClassifierRegistry::create(const std::string& account, const Json& request) {
  MORTAR_ASSIGN_OR_RETURN(auto kind_body, one_kind(request));
  auto& [kind, body] = kind_body;
  MORTAR_RETURN_IF_ERROR(validate(kind, body));
  double now = static_cast<double>(clock_.now_seconds());
  body["CreationTime"] = now;
  body["LastUpdated"] = now;
  body["Version"] = 1;
  Json stored = Json::object();
  stored[kind] = body;
  std::string name = body["Name"].get<std::string>();
  return store::run_in_write_transaction(
      store_, [&](store::Transaction& tx) { return insert_classifier(tx, account, name, stored); });
}

Status ClassifierRegistry::update(const std::string& account, const Json& request) {
  MORTAR_ASSIGN_OR_RETURN(auto kind_body, one_kind(request));
  // Plain references, not a structured binding: clang 14 cannot capture those.
  auto& kind = kind_body.first;
  auto& body = kind_body.second;
  // Members left out keep their values: validate the merged classifier.
  std::string name = body["Name"].get<std::string>();
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto existing, load_classifier_for_write(tx, account, name));
    if (!existing) return not_found("Classifier with name " + name + " does not exist");
    auto old = existing->find(kind);
    if (old == existing->end()) {
      return invalid_input("Classifier " + name + " is not a " + kind + "; it cannot change kind.");
    }
    Json merged = *old;
    for (auto it = body.begin(); it != body.end(); ++it) merged[it.key()] = it.value();
    merged["LastUpdated"] = static_cast<double>(clock_.now_seconds());
    merged["Version"] = old->value("Version", int64_t{1}) + 1;
    MORTAR_RETURN_IF_ERROR(validate(kind, merged));
    Json stored = Json::object();
    stored[kind] = std::move(merged);
    return save_classifier(tx, account, name, stored);
  });
}

StatusOr<Json> ClassifierRegistry::get(const std::string& account, const std::string& name) {
  Json out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto c, load_classifier(tx, account, name));
        if (!c) return not_found("Classifier with name " + name + " does not exist");
        out = std::move(*c);
        return ok_status();
      }));
  return out;
}

StatusOr<std::vector<Json>> ClassifierRegistry::list(const std::string& account,
                                                     const std::string& after, int limit,
                                                     bool* more) {
  std::vector<Json> out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto rows, list_classifiers(tx, account, after, limit + 1));
        *more = static_cast<int>(rows.size()) > limit;
        if (*more) rows.pop_back();
        for (auto& [name, body] : rows) out.push_back(std::move(body));
        return ok_status();
      }));
  return out;
}

Status ClassifierRegistry::remove(const std::string& account, const std::string& name) {
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(bool deleted, delete_classifier_row(tx, account, name));
    if (!deleted) return not_found("Classifier with name " + name + " does not exist");
    return ok_status();
  });
}

StatusOr<std::vector<Json>> ClassifierRegistry::resolve(const std::string& account,
                                                        const std::vector<std::string>& names,
                                                        std::vector<std::string>* missing) {
  std::vector<Json> out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        for (const auto& name : names) {
          MORTAR_ASSIGN_OR_RETURN(auto c, load_classifier(tx, account, name));
          if (c) {
            out.push_back(std::move(*c));
          } else if (missing) {
            missing->push_back(name);
          }
        }
        return ok_status();
      }));
  return out;
}

}  // namespace mortar::crawler
