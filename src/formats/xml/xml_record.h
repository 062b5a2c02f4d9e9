// One XML record (a rowTag element) as a small tree, and its conversion to
// JSON text following spark-xml's mapping (see xml_reader.h), so that the
// JSON reader's inference and column building serve XML too.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "formats/format.h"
#include "formats/format_options.h"

namespace mortar::formats::xml {

struct XmlOptions {
  std::string row_tag;
  std::string attribute_prefix = "_";
  std::string value_tag = "_VALUE";
  bool exclude_attributes = false;
  bool empty_as_null = false;  // treatEmptyValuesAsNulls
  bool trim = false;           // ignoreSurroundingSpaces
  std::optional<std::string> null_value;
  std::string encoding = "UTF-8";
  int64_t max_record_size = kDefaultMaxRecordSize;  // maxRecordSize (format_options.h)

  // Reads Glue's format_options; InvalidArgument naming a bad or missing one.
  static StatusOr<XmlOptions> parse(const Options& options);
};

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // the direct text, concatenated
  std::vector<std::unique_ptr<XmlElement>> children;
};

// Appends `record` as a JSON object to `out`.
void record_to_json(const XmlElement& record, const XmlOptions& options, std::string& out);

}  // namespace mortar::formats::xml
