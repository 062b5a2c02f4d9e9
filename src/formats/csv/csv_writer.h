// CSV writer: a header line (writeHeader, default true), fields quoted only
// when needed (separator, quote, CR/LF, escape character, leading/trailing
// space, or an empty string, which is written "" so that it reads back as an
// empty string while a null is written as nothing, or as nullValue).
// Nested values are written as JSON text. Output is buffered and compressed
// by the "compression" option (gzip, zstd, snappy, none).
// Not thread-safe, as RecordWriter.
#pragma once

#include <memory>
#include <string>

#include "formats/csv/csv_options.h"
#include "formats/format.h"
#include "io/file_system.h"

namespace mortar::formats::csv {

class CsvWriter : public RecordWriter {
 public:
  static StatusOr<std::unique_ptr<CsvWriter>> open(io::FileSystem& fs, const std::string& path,
                                                   types::TypePtr schema,
                                                   const WriteOptions& options);
  // Writes to an already-open stream (used by tests and by open()).
  static StatusOr<std::unique_ptr<CsvWriter>> open_stream(std::unique_ptr<io::OutputStream> out,
                                                          types::TypePtr schema,
                                                          const WriteOptions& options);
  ~CsvWriter() override = default;

  Status write(const types::RecordBatch& batch) override;
  Status close() override;

 private:
  CsvWriter() = default;
  void append_field(std::string_view text);
  Status flush();

  std::unique_ptr<io::OutputStream> out_;
  types::TypePtr schema_;
  CsvOptions options_;
  std::string buf_;
  std::string scratch_;
  bool closed_ = false;
};

}  // namespace mortar::formats::csv
