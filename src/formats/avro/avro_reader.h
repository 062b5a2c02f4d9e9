// Streaming reader of Avro object container files: the header (magic,
// metadata with avro.schema/avro.codec, sync marker), then one block at a
// time (count, size, data, sync), decoded into batches of batch_rows rows.
#pragma once

#include <memory>
#include <string>

#include "formats/avro/avro_block_count.h"
#include "formats/avro/avro_decoder.h"
#include "formats/avro/avro_schema.h"
#include "formats/format.h"
#include "io/compression.h"

namespace mortar::formats::avro {

class AvroReader : public RecordReader {
 public:
  static StatusOr<std::unique_ptr<AvroReader>> open(std::unique_ptr<io::RandomAccessFile> file,
                                                    const ReadOptions& options);

  types::TypePtr schema() const override { return out_schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

  const std::string& codec_name() const { return codec_name_; }
  const std::string& schema_json() const { return schema_json_; }

  // The file's records, counted from the block headers (see
  // avro_block_count.h); independent of next()'s position.
  StatusOr<AvroRecordCount> count_records(const AvroCountOptions& options = {}) const {
    return count_avro_records(*file_, data_start_, sync_, options);
  }
  int64_t data_start() const { return data_start_; }

 private:
  Status read_header();
  // Loads the next block into block_; false at the end of the file.
  StatusOr<bool> load_block();
  Status error_at(int64_t offset, std::string_view what) const;
  StatusOr<std::unique_ptr<types::RecordBatch>> read_batch();

  std::unique_ptr<io::RandomAccessFile> file_;
  ReadOptions options_;
  std::string codec_name_ = "null";
  std::string schema_json_;
  AvroNodePtr root_;
  bool root_is_record_ = false;
  types::TypePtr file_schema_;  // struct of the whole record
  types::TypePtr out_schema_;   // after projection
  std::vector<int> projection_;
  std::string sync_;
  int64_t data_start_ = 0;  // of the first block
  int64_t offset_ = 0;      // of the next block
  std::string block_;
  std::unique_ptr<Cursor> cursor_;
  int64_t block_left_ = 0;
  Status failed_;
};

}  // namespace mortar::formats::avro
