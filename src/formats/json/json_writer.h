// JSON Lines writer: one object per row, keys in schema order, nulls written
// as null (see json_text.h for how each type prints). The "compression"
// option (gzip, zstd, snappy, none) compresses the stream.
// Not thread-safe, as RecordWriter.
#pragma once

#include <memory>
#include <string>

#include "formats/format.h"
#include "io/file_system.h"

namespace mortar::formats::json {

class JsonWriter : public RecordWriter {
 public:
  static StatusOr<std::unique_ptr<JsonWriter>> open(io::FileSystem& fs, const std::string& path,
                                                    types::TypePtr schema,
                                                    const WriteOptions& options);
  static StatusOr<std::unique_ptr<JsonWriter>> open_stream(std::unique_ptr<io::OutputStream> out,
                                                           types::TypePtr schema);
  Status write(const types::RecordBatch& batch) override;
  Status close() override;

 private:
  JsonWriter() = default;
  std::unique_ptr<io::OutputStream> out_;
  types::TypePtr schema_;
  std::vector<std::string> keys_;  // field names, JSON-quoted, with ':'
  std::string buf_;
  bool closed_ = false;
};

}  // namespace mortar::formats::json
