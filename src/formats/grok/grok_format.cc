#include "formats/grok/grok_format.h"

#include "formats/grok/grok_reader.h"

namespace mortar::formats {

namespace {

class GrokFormat : public Format {
 public:
  std::string name() const override { return "grok"; }
  // Log files have no telling extension; the format is chosen by name.
  std::vector<std::string> extensions() const override { return {}; }
  // Without a pattern nothing can be parsed, so grok never claims a file by
  // sniffing (crawlers apply grok classifiers explicitly).
  double sniff(std::string_view head) const override { return 0.0; }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto r, grok::GrokReader::open(fs, path, options));
    return std::unique_ptr<RecordReader>(std::move(r));
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs, const std::string& path,
                                                      types::TypePtr schema,
                                                      const WriteOptions& options) const override {
    return unimplemented(path + ": grok is a read-only format (as Glue's grokLog)");
  }
};

}  // namespace

const Format& grok_format() {
  static const GrokFormat format;
  return format;
}

}  // namespace mortar::formats
