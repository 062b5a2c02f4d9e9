#include "formats/json/json_format.h"

#include "formats/json/json_reader.h"
#include "formats/json/json_writer.h"

namespace mortar::formats {
namespace {

class JsonFormat : public Format {
 public:
  std::string name() const override { return "json"; }
  std::vector<std::string> extensions() const override { return {".json", ".jsonl", ".ndjson"}; }

  double sniff(std::string_view head) const override {
    size_t i = 0;
    if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    if (i == head.size()) return 0.0;
    if (head[i] == '{') return head.find('"', i) != std::string_view::npos ? 0.9 : 0.5;
    if (head[i] == '[') {
      size_t j = i + 1;
      while (j < head.size() && (head[j] == ' ' || head[j] == '\n' || head[j] == '\r' || head[j] == '\t')) ++j;
      if (j < head.size() && (head[j] == '{' || head[j] == ']')) return 0.85;
      return 0.4;
    }
    return 0.0;
  }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    return json::JsonReader::open(fs, path, options);
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs, const std::string& path,
                                                      types::TypePtr schema,
                                                      const WriteOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto w, json::JsonWriter::open(fs, path, std::move(schema), options));
    return std::unique_ptr<RecordWriter>(std::move(w));
  }
};

}  // namespace

const Format& json_format() {
  static const JsonFormat format;
  return format;
}

}  // namespace mortar::formats
