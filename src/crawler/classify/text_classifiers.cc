// JSON, XML and the built-in log formats, classified from the file's
// decompressed head through the format readers (fed from memory).
#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <mutex>

#include "crawler/classify/classify_steps.h"
#include "formats/format.h"
#include "formats/grok/grok_compiler.h"
#include "formats/grok/grok_detect.h"
#include "formats/json/json_reader.h"
#include "formats/xml/xml_reader.h"
#include "io/memory_file.h"

namespace mortar::crawler {

namespace {

size_t skip_space(std::string_view t, size_t i) {
  if (i == 0 && t.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
  return i;
}

StatusOr<int64_t> count_rows(formats::RecordReader& reader) {
  int64_t rows = 0;
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, reader.next());
    if (!batch) return rows;
    rows += batch->num_rows();
  }
}

std::string message_of(const Status& st) { return std::string(status_message(st)); }

// The built-in log classifiers Glue has, by the grok pattern that reads them.
const std::map<std::string, std::string>& glue_log_names() {
  static const auto* names = new std::map<std::string, std::string>{
      {"COMBINEDAPACHELOG", "combined_apache"}, {"COMMONAPACHELOG", "apache"},
      {"SYSLOGLINE", "linux_kernel"},           {"RUBY_LOGGER", "ruby_logger"},
      {"SQUID3", "squid"},                       {"REDISMONLOG", "redismonlog"},
      {"REDISLOG", "redislog"}};
  return *names;
}

// The schema a built-in log pattern gives, compiled once per pattern.
StatusOr<types::TypePtr> log_schema(const std::string& pattern) {
  static std::mutex mu;
  static auto* cache = new std::map<std::string, types::TypePtr>();
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache->find(pattern); it != cache->end()) return it->second;
  formats::grok::GrokLibrary library;
  MORTAR_ASSIGN_OR_RETURN(auto compiled, formats::grok::compile_grok(library, "%{" + pattern + "}"));
  std::vector<types::Field> fields;
  for (const auto& f : compiled->fields()) fields.push_back({f.name, f.type});
  auto schema = types::DataType::structure(std::move(fields));
  (*cache)[pattern] = schema;
  return schema;
}

}  // namespace

size_t json_complete_prefix(std::string_view t, int64_t* records, bool* in_array) {
  *records = 0;
  *in_array = false;
  size_t i = skip_space(t, 0);
  bool array = i < t.size() && t[i] == '[';
  int depth = 0;
  bool in_string = false;
  size_t end = 0;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
      if (depth < 0) return end;  // malformed: stop at what was whole
      if (array && depth == 1 && c == '}') ++*records, end = i + 1;
      if (depth == 0) {
        if (array) {
          end = i + 1;  // the whole array is here
          array = false;
        } else {
          ++*records;
          end = i + 1;
        }
      }
    }
  }
  *in_array = array && depth > 0;
  return end;
}

void set_record_figures(Classification& c, const ClassifyInput& in, int64_t records, int64_t bytes) {
  if (records <= 0) return;
  c.average_record_size = std::max<int64_t>(1, bytes / records);
  if (in.sample.complete() && bytes >= static_cast<int64_t>(in.sample.data().size()) - 2) {
    c.record_count = records;
    return;
  }
  // Scale by the share of the (compressed) file the sample covers.
  double sampled_raw = in.sample.compression().empty() ? static_cast<double>(bytes)
                                                       : static_cast<double>(in.sample.raw_consumed()) *
                                                             bytes / std::max<size_t>(1, in.sample.data().size());
  double share = in.file.size > 0 ? std::min(1.0, sampled_raw / static_cast<double>(in.file.size)) : 1.0;
  c.record_count = share > 0 ? static_cast<int64_t>(static_cast<double>(records) / share) : records;
}

Classification classify_json(ClassifyInput& in, const std::string& json_path) {
  Classification c;
  Status st = in.sample.extend_to(kJsonBytes);
  if (!st.ok()) {
    c.error = message_of(st);
    return c;
  }
  double sniff = 0.0;
  if (auto f = formats::format_by_name("json"); f.ok()) sniff = (*f)->sniff(in.sample.data());
  if (sniff <= 0.0) {
    c.reason = "json: does not start with '{' or '['";
    return c;
  }
  int64_t records = 0;
  bool in_array = false;
  size_t prefix = json_complete_prefix(in.sample.data(), &records, &in_array);
  for (int64_t budget = kJsonBytes; records == 0 && !in.sample.complete() && budget < kJsonMaxBytes;) {
    budget += kJsonBytes;
    st = in.sample.extend_to(budget);
    if (!st.ok()) {
      c.error = message_of(st);
      return c;
    }
    prefix = json_complete_prefix(in.sample.data(), &records, &in_array);
  }
  if (records == 0) {
    c.reason = fmt::format("json: no complete record in the first {} bytes", in.sample.data().size());
    return c;
  }
  std::string doc = in.sample.complete() && !in_array ? in.sample.data() : in.sample.data().substr(0, prefix);
  if (in_array) doc += "]";
  formats::ReadOptions options;
  if (!json_path.empty()) options.format_options["jsonPath"] = json_path;
  auto reader = formats::json::JsonReader::open_stream(
      std::make_unique<io::MemoryInputStream>(doc, in.file.path), in.file.path, options);
  StatusOr<int64_t> rows = reader.ok() ? count_rows(**reader) : StatusOr<int64_t>(reader.status());
  if (!rows.ok()) {
    c.reason = "json: " + message_of(rows.status());
    // A file that looks like JSON but does not parse is worth reporting if nothing else reads it.
    if (sniff >= 0.85) c.error = fmt::format("{}: not valid JSON: {}", in.file.path, message_of(rows.status()));
    return c;
  }
  if (*rows == 0) {
    c.reason = json_path.empty() ? "json: no records" : "json: JsonPath " + json_path + " selects no records";
    return c;
  }
  c.classification = "json";
  c.classifier_name = "json";
  c.certainty = 1.0;
  c.schema = (*reader)->schema();
  set_record_figures(c, in, json_path.empty() ? records : *rows, static_cast<int64_t>(prefix));
  c.reason = fmt::format("json: {} records parsed from the first {} bytes{}", *rows, prefix,
                         json_path.empty() ? "" : ", JsonPath " + json_path);
  return c;
}

namespace {

// The element that repeats under the root: the row tag Glue's XML reader
// would be given. Counts the root's direct children in the head.
std::string detect_row_tag(std::string_view t, std::string* root) {
  std::map<std::string, int> counts;
  std::vector<std::string> first_seen;
  int depth = 0;
  size_t i = 0;
  while ((i = t.find('<', i)) != std::string_view::npos) {
    if (t.substr(i, 4) == "<!--") {
      size_t e = t.find("-->", i);
      if (e == std::string_view::npos) break;
      i = e + 3;
      continue;
    }
    if (t.substr(i, 9) == "<![CDATA[") {
      size_t e = t.find("]]>", i);
      if (e == std::string_view::npos) break;
      i = e + 3;
      continue;
    }
    size_t close = t.find('>', i);
    if (close == std::string_view::npos) break;
    std::string_view tag = t.substr(i + 1, close - i - 1);
    i = close + 1;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    if (tag[0] == '/') {
      --depth;
      continue;
    }
    size_t name_end = tag.find_first_of(" \t\r\n/");
    std::string name(tag.substr(0, name_end));
    bool self_closing = tag.back() == '/';
    if (depth == 0 && root->empty()) *root = name;
    if (depth == 1) {
      if (!counts.count(name)) first_seen.push_back(name);
      ++counts[name];
    }
    if (!self_closing) ++depth;
  }
  std::string best;
  int best_n = 0;
  for (const auto& name : first_seen)
    if (counts[name] > best_n) best = name, best_n = counts[name];
  return best;
}

}  // namespace

Classification classify_xml(ClassifyInput& in, const std::string& wanted_tag) {
  Classification c;
  Status st = in.sample.extend_to(kCsvBytes);
  if (!st.ok()) {
    c.error = message_of(st);
    return c;
  }
  const std::string& head = in.sample.data();
  double sniff = 0.0;
  if (auto f = formats::format_by_name("xml"); f.ok()) sniff = (*f)->sniff(head);
  if (sniff <= 0.0) {
    c.reason = "xml: does not start with a tag";
    return c;
  }
  std::string root;
  std::string detected = detect_row_tag(head, &root);
  std::string row_tag = wanted_tag.empty() ? detected : wanted_tag;
  if (row_tag.empty()) {
    c.reason = "xml: no repeating element under the root to use as the row tag";
    return c;
  }
  if (!wanted_tag.empty() && head.find("<" + row_tag) == std::string::npos) {
    c.reason = "xml: no <" + row_tag + "> element in the head of the file";
    return c;
  }
  // Cut a partial sample after the last whole row and close the root.
  std::string doc = head;
  if (!in.sample.complete()) {
    size_t last = head.rfind("</" + row_tag + ">");
    if (last == std::string::npos) {
      c.reason = "xml: no complete <" + row_tag + "> element in the first " + std::to_string(head.size()) + " bytes";
      return c;
    }
    doc = head.substr(0, last + row_tag.size() + 3);
    if (!root.empty() && root != row_tag) doc += "</" + root + ">";
  }
  formats::ReadOptions options;
  options.format_options["rowTag"] = row_tag;
  auto opener = [&doc, &in]() -> StatusOr<std::unique_ptr<io::InputStream>> {
    return std::unique_ptr<io::InputStream>(new io::MemoryInputStream(doc, in.file.path));
  };
  auto reader = formats::xml::XmlReader::open_stream(opener, in.file.path, options);
  StatusOr<int64_t> rows = reader.ok() ? count_rows(**reader) : StatusOr<int64_t>(reader.status());
  if (!rows.ok()) {
    c.reason = "xml: " + message_of(rows.status());
    if (sniff >= 0.9) c.error = fmt::format("{}: not well-formed XML: {}", in.file.path, message_of(rows.status()));
    return c;
  }
  if (*rows == 0 || !(*reader)->schema() || (*reader)->schema()->fields().empty()) {
    c.reason = "xml: no <" + row_tag + "> records";
    return c;
  }
  c.classification = "xml";
  c.classifier_name = "xml";
  c.certainty = 1.0;
  c.schema = (*reader)->schema();
  c.parameters["rowTag"] = row_tag;
  set_record_figures(c, in, *rows, static_cast<int64_t>(doc.size()));
  c.reason = fmt::format("xml: row tag <{}>{}, {} records in the sample", row_tag,
                         wanted_tag.empty() ? " (the element repeating under the root)" : "", *rows);
  return c;
}

Classification classify_builtin_log(ClassifyInput& in) {
  Classification c;
  const std::string& head = in.sample.data();
  auto pattern = formats::grok::detect_log_format(head);
  if (!pattern) {
    c.reason = "logs: no built-in log format matches 80% of the first lines";
    return c;
  }
  auto it = glue_log_names().find(*pattern);
  if (it == glue_log_names().end()) {
    c.reason = "logs: lines follow " + *pattern + ", which is not one of Glue's built-in log classifiers";
    return c;
  }
  auto schema = log_schema(*pattern);
  if (!schema.ok()) {
    c.reason = "logs: " + message_of(schema.status());
    return c;
  }
  c.classification = it->second;
  c.classifier_name = it->second;
  c.certainty = 1.0;
  c.schema = *schema;
  c.parameters["grokPattern"] = "%{" + *pattern + "}";
  int64_t lines = std::count(head.begin(), head.end(), '\n');
  set_record_figures(c, in, lines, static_cast<int64_t>(head.size()));
  c.reason = fmt::format("{}: the first lines match the grok pattern %{{{}}}", it->second, *pattern);
  return c;
}

}  // namespace mortar::crawler
