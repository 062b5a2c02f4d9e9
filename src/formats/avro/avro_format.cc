#include "formats/avro/avro_format.h"

#include "formats/avro/avro_reader.h"
#include "formats/avro/avro_writer.h"

namespace mortar::formats {

namespace {

class AvroFormat : public Format {
 public:
  std::string name() const override { return "avro"; }
  std::vector<std::string> extensions() const override { return {".avro"}; }
  double sniff(std::string_view head) const override {
    return head.substr(0, 4) == std::string_view("Obj\x01", 4) ? 1.0 : 0.0;
  }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto file, fs.open_random_access(path));
    MORTAR_ASSIGN_OR_RETURN(auto reader, avro::AvroReader::open(std::move(file), options));
    return std::unique_ptr<RecordReader>(std::move(reader));
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs, const std::string& path,
                                                      types::TypePtr schema,
                                                      const WriteOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto out, fs.open_output(path));
    MORTAR_ASSIGN_OR_RETURN(auto writer, avro::AvroWriter::open(std::move(out), std::move(schema), options));
    return std::unique_ptr<RecordWriter>(std::move(writer));
  }
};

}  // namespace

const Format& avro_format() {
  static const AvroFormat* format = new AvroFormat();
  return *format;
}

}  // namespace mortar::formats
