#include "crawler/classify/custom_classifier.h"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "formats/grok/grok_compiler.h"
#include "formats/json/json_path.h"

namespace mortar::crawler {

namespace {

constexpr size_t kGrokLines = 100;
constexpr double kGrokMatchShare = 0.8;

Status bad(const std::string& kind, const std::string& name, const std::string& what) {
  return invalid_input(fmt::format("{} '{}': {}", kind, name, what));
}

StatusOr<std::string> string_field(const Json& j, const char* key, bool required, const std::string& kind,
                                   const std::string& name) {
  if (!j.contains(key) || j[key].is_null()) {
    if (required) return bad(kind, name, fmt::format("{} is required", key));
    return std::string();
  }
  if (!j[key].is_string()) return bad(kind, name, fmt::format("{} must be a string", key));
  return j[key].get<std::string>();
}

bool bool_field(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

// Glue's classification parameter for a custom classifier's output.
Classification finish(Classification c, const std::string& classification, const std::string& name) {
  c.classification = classification;
  c.classifier_name = name;
  c.certainty = 1.0;
  c.reason = fmt::format("custom classifier {}: {}", name, c.reason);
  return c;
}

class GrokCustom : public CustomClassifier {
 public:
  std::string classification, pattern, custom_patterns;
  std::unique_ptr<formats::grok::CompiledGrok> grok;

  Classification classify(ClassifyInput& in) const override {
    Classification c;
    const std::string& head = in.sample.data();
    std::string_view rest(head);
    size_t lines = 0, hits = 0;
    std::vector<std::string_view> values;
    while (!rest.empty() && lines < kGrokLines) {
      size_t nl = rest.find('\n');
      if (nl == std::string_view::npos && !in.sample.complete() && lines > 0) break;  // cut line
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      ++lines;
      hits += grok->match(line, &values) ? 1 : 0;
    }
    if (lines == 0 || static_cast<double>(hits) < kGrokMatchShare * static_cast<double>(lines)) {
      c.reason = fmt::format("grok {}: {} of {} lines match", name_, hits, lines);
      return c;
    }
    std::vector<types::Field> fields;
    for (const auto& f : grok->fields()) fields.push_back({f.name, f.type});
    c.schema = types::DataType::structure(std::move(fields));
    c.parameters["grokPattern"] = pattern;
    if (!custom_patterns.empty()) c.parameters["grokCustomPatterns"] = custom_patterns;
    set_record_figures(c, in, static_cast<int64_t>(hits),
                       static_cast<int64_t>(head.size() - rest.size()));
    c.reason = fmt::format("{} of {} lines match {}", hits, lines, pattern);
    return finish(std::move(c), classification, name_);
  }
};

class XmlCustom : public CustomClassifier {
 public:
  std::string classification, row_tag;
  Classification classify(ClassifyInput& in) const override {
    Classification c = classify_xml(in, row_tag);
    if (c.certainty <= 0.0) return c;
    return finish(std::move(c), classification, name_);
  }
};

class JsonCustom : public CustomClassifier {
 public:
  std::string classification, json_path;
  Classification classify(ClassifyInput& in) const override {
    Classification c = classify_json(in, json_path);
    if (c.certainty <= 0.0) return c;
    c.parameters["jsonPath"] = json_path;
    return finish(std::move(c), classification, name_);
  }
};

class CsvCustom : public CustomClassifier {
 public:
  CsvSettings settings;
  std::string serde;  // OpenCSVSerDe | LazySimpleSerDe | None
  std::set<std::string> custom_types;
  bool custom_types_on = false;

  Classification classify(ClassifyInput& in) const override {
    Classification c = classify_csv(in, settings, false);
    if (c.certainty <= 0.0) return c;
    if (custom_types_on && c.schema) {
      // Only the configured data types may be used; anything else is a string.
      std::vector<types::Field> fields;
      for (const auto& f : c.schema->fields()) {
        types::TypePtr t = f.type;
        switch (t->kind()) {
          case types::TypeKind::kBigInt:
            t = custom_types.count("LONG") ? t : custom_types.count("INT") ? types::DataType::int32() : nullptr;
            break;
          case types::TypeKind::kDouble:
            t = custom_types.count("DOUBLE") ? t : custom_types.count("FLOAT") ? types::DataType::float32() : nullptr;
            break;
          case types::TypeKind::kBoolean: t = custom_types.count("BOOLEAN") ? t : nullptr; break;
          default: break;
        }
        fields.push_back({f.name, t ? t : types::DataType::string()});
      }
      c.schema = types::DataType::structure(std::move(fields));
    }
    if (serde == "OpenCSVSerDe") {
      c.parameters["areColumnsQuoted"] = "true";
      if (settings.dialect->quote != '"') c.parameters["quoteChar"] = std::string(1, settings.dialect->quote);
    } else if (serde == "LazySimpleSerDe") {
      c.parameters["areColumnsQuoted"] = "false";
    }
    return finish(std::move(c), "csv", name_);
  }
};

StatusOr<std::unique_ptr<CustomClassifier>> parse_grok(const Json& j, const std::string& name) {
  auto g = std::make_unique<GrokCustom>();
  MORTAR_ASSIGN_OR_RETURN(g->classification, string_field(j, "Classification", true, "GrokClassifier", name));
  MORTAR_ASSIGN_OR_RETURN(g->pattern, string_field(j, "GrokPattern", true, "GrokClassifier", name));
  MORTAR_ASSIGN_OR_RETURN(g->custom_patterns, string_field(j, "CustomPatterns", false, "GrokClassifier", name));
  formats::grok::GrokLibrary library;
  Status st = library.add_definitions(g->custom_patterns);
  if (!st.ok()) return bad("GrokClassifier", name, "CustomPatterns: " + std::string(status_message(st)));
  auto compiled = formats::grok::compile_grok(library, g->pattern);
  if (!compiled.ok())
    return bad("GrokClassifier", name, "GrokPattern: " + std::string(status_message(compiled.status())));
  g->grok = std::move(*compiled);
  return std::unique_ptr<CustomClassifier>(std::move(g));
}

StatusOr<std::unique_ptr<CustomClassifier>> parse_csv(const Json& j, const std::string& name) {
  auto c = std::make_unique<CsvCustom>();
  const std::string kind = "CsvClassifier";
  MORTAR_ASSIGN_OR_RETURN(std::string delim, string_field(j, "Delimiter", false, kind, name));
  MORTAR_ASSIGN_OR_RETURN(std::string quote, string_field(j, "QuoteSymbol", false, kind, name));
  if (delim.size() > 1) return bad(kind, name, "Delimiter must be one character");
  if (quote.size() > 1) return bad(kind, name, "QuoteSymbol must be one character");
  CsvDialect d;
  if (!delim.empty()) d.delimiter = delim[0];
  if (!quote.empty()) d.quote = quote[0];
  if (d.delimiter == d.quote) return bad(kind, name, "QuoteSymbol must differ from Delimiter");
  if (d.delimiter == '\n' || d.delimiter == '\r') return bad(kind, name, "Delimiter cannot be a line break");
  c->settings.dialect = d;
  MORTAR_ASSIGN_OR_RETURN(std::string header, string_field(j, "ContainsHeader", false, kind, name));
  if (header == "PRESENT") c->settings.header = CsvSettings::Header::kPresent;
  else if (header == "ABSENT") c->settings.header = CsvSettings::Header::kAbsent;
  else if (!header.empty() && header != "UNKNOWN")
    return bad(kind, name, "ContainsHeader must be UNKNOWN, PRESENT or ABSENT");
  if (j.contains("Header") && !j["Header"].is_null()) {
    if (!j["Header"].is_array()) return bad(kind, name, "Header must be a list of strings");
    for (const auto& h : j["Header"]) {
      if (!h.is_string()) return bad(kind, name, "Header must be a list of strings");
      c->settings.header_names.push_back(h.get<std::string>());
    }
  }
  c->settings.trim_values = !bool_field(j, "DisableValueTrimming");
  c->settings.allow_single_column = bool_field(j, "AllowSingleColumn");
  c->settings.max_records = kCsvRecords;
  c->custom_types_on = bool_field(j, "CustomDatatypeConfigured");
  if (j.contains("CustomDatatypes") && j["CustomDatatypes"].is_array())
    for (const auto& t : j["CustomDatatypes"])
      if (t.is_string()) {
        std::string u = t.get<std::string>();
        std::transform(u.begin(), u.end(), u.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        c->custom_types.insert(u);
      }
  MORTAR_ASSIGN_OR_RETURN(c->serde, string_field(j, "Serde", false, kind, name));
  if (!c->serde.empty() && c->serde != "OpenCSVSerDe" && c->serde != "LazySimpleSerDe" && c->serde != "None")
    return bad(kind, name, "Serde must be OpenCSVSerDe, LazySimpleSerDe or None");
  return std::unique_ptr<CustomClassifier>(std::move(c));
}

}  // namespace

StatusOr<std::unique_ptr<CustomClassifier>> CustomClassifier::parse(const Json& def) {
  if (!def.is_object() || def.size() != 1)
    return invalid_input("a classifier must be one object: {\"GrokClassifier\"|\"XMLClassifier\"|\"JsonClassifier\"|\"CsvClassifier\": {...}}");
  const std::string kind = def.begin().key();
  const Json& j = def.begin().value();
  if (!j.is_object()) return invalid_input(kind + ": must be an object");
  MORTAR_ASSIGN_OR_RETURN(std::string name, string_field(j, "Name", true, kind, "(unnamed)"));
  std::unique_ptr<CustomClassifier> out;
  if (kind == "GrokClassifier") {
    MORTAR_ASSIGN_OR_RETURN(out, parse_grok(j, name));
  } else if (kind == "XMLClassifier") {
    auto x = std::make_unique<XmlCustom>();
    MORTAR_ASSIGN_OR_RETURN(x->classification, string_field(j, "Classification", true, kind, name));
    MORTAR_ASSIGN_OR_RETURN(x->row_tag, string_field(j, "RowTag", false, kind, name));
    if (x->row_tag.find_first_of("<>/ \t\r\n") != std::string::npos)
      return bad(kind, name, "RowTag must be an element name (no '<', '>', '/' or spaces)");
    out = std::move(x);
  } else if (kind == "JsonClassifier") {
    auto x = std::make_unique<JsonCustom>();
    MORTAR_ASSIGN_OR_RETURN(x->json_path, string_field(j, "JsonPath", true, kind, name));
    auto parsed = formats::json::JsonPath::parse(x->json_path);
    if (!parsed.ok()) return bad(kind, name, "JsonPath: " + std::string(status_message(parsed.status())));
    MORTAR_ASSIGN_OR_RETURN(x->classification, string_field(j, "Classification", false, kind, name));
    if (x->classification.empty()) x->classification = "json";
    out = std::move(x);
  } else if (kind == "CsvClassifier") {
    MORTAR_ASSIGN_OR_RETURN(out, parse_csv(j, name));
  } else {
    return invalid_input("unknown classifier kind '" + kind + "' (GrokClassifier, XMLClassifier, JsonClassifier, CsvClassifier)");
  }
  out->name_ = name;
  return out;
}

}  // namespace mortar::crawler
