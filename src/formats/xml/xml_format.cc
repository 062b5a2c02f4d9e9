#include "formats/xml/xml_format.h"

#include "formats/xml/xml_reader.h"

namespace mortar::formats {
namespace {

class XmlFormat : public Format {
 public:
  std::string name() const override { return "xml"; }
  std::vector<std::string> extensions() const override { return {".xml"}; }

  double sniff(std::string_view head) const override {
    size_t i = 0;
    if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    std::string_view rest = head.substr(i);
    if (rest.substr(0, 5) == "<?xml") return 0.95;
    if (rest.size() >= 2 && rest[0] == '<' &&
        (rest[1] == '!' || rest[1] == '_' || ((rest[1] | 0x20) >= 'a' && (rest[1] | 0x20) <= 'z')))
      return 0.7;
    return 0.0;
  }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    return xml::XmlReader::open(fs, path, options);
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem&, const std::string& path,
                                                      types::TypePtr,
                                                      const WriteOptions&) const override {
    return unimplemented(path + ": writing XML is not supported (Glue reads XML only)");
  }
};

}  // namespace

const Format& xml_format() {
  static const XmlFormat format;
  return format;
}

}  // namespace mortar::formats
