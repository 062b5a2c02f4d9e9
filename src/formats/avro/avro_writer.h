// Writer of Avro object container files: schema from the Mortar struct type
// (avro_schema.h), rows encoded into blocks of ~64k rows or ~1 MiB, each
// compressed with the "compression" codec (null, deflate, snappy, zstd) and
// followed by a random sync marker.
#pragma once

#include <memory>
#include <string>

#include "formats/avro/avro_schema.h"
#include "formats/format.h"
#include "io/file_system.h"

namespace mortar::formats::avro {

class AvroWriter : public RecordWriter {
 public:
  static StatusOr<std::unique_ptr<AvroWriter>> open(std::unique_ptr<io::OutputStream> out,
                                                    types::TypePtr schema,
                                                    const WriteOptions& options);
  Status write(const types::RecordBatch& batch) override;
  Status close() override;

 private:
  Status flush_block();

  std::unique_ptr<io::OutputStream> out_;
  types::TypePtr schema_;
  WriterSchema avro_;
  std::string codec_;  // Avro's name
  std::string sync_;
  std::string block_;
  int64_t block_rows_ = 0;
  bool closed_ = false;
};

}  // namespace mortar::formats::avro
