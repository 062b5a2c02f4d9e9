#include "formats/parquet/parquet_format.h"

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"

namespace mortar::formats {

namespace {

class ParquetFormat : public Format {
 public:
  std::string name() const override { return "parquet"; }
  std::vector<std::string> extensions() const override { return {".parquet", ".parq"}; }
  double sniff(std::string_view head) const override {
    return head.substr(0, 4) == "PAR1" ? 1.0 : 0.0;
  }

  StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto file, fs.open_random_access(path));
    MORTAR_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::open(std::move(file), options));
    return std::unique_ptr<RecordReader>(std::move(reader));
  }

  StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs, const std::string& path,
                                                      types::TypePtr schema,
                                                      const WriteOptions& options) const override {
    MORTAR_ASSIGN_OR_RETURN(auto out, fs.open_output(path));
    MORTAR_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::open(std::move(out), path, std::move(schema), options));
    return std::unique_ptr<RecordWriter>(std::move(writer));
  }
};

}  // namespace

const Format& parquet_format() {
  static const ParquetFormat* format = new ParquetFormat();
  return *format;
}

}  // namespace mortar::formats
