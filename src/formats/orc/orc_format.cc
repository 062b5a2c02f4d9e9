#include "formats/orc/orc_format.h"

#include "formats/orc/orc_reader.h"
#include "formats/orc/orc_writer.h"

namespace mortar::formats {

namespace {

class OrcFormat : public Format {
 public:
  std::string name() const override { return "orc"; }
  std::vector<std::string> extensions() const override { return {".orc"}; }
  double sniff(std::string_view head) const override {
    return head.substr(0, 3) == "ORC" ? 1.0 : 0.0;
  }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto file, fs.open_random_access(path));
    MORTAR_ASSIGN_OR_RETURN(auto reader, orc::OrcReader::open(std::move(file), options));
    return std::unique_ptr<RecordReader>(std::move(reader));
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs, const std::string& path,
                                                      types::TypePtr schema,
                                                      const WriteOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto out, fs.open_output(path));
    MORTAR_ASSIGN_OR_RETURN(auto writer,
                            orc::OrcWriter::open(std::move(out), std::move(schema), options));
    return std::unique_ptr<RecordWriter>(std::move(writer));
  }
};

}  // namespace

const Format& orc_format() {
  static const OrcFormat* format = new OrcFormat();
  return *format;
}

}  // namespace mortar::formats
