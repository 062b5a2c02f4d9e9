// Writes batches into Hive-style partition directories: the partition
// columns leave the data and name the directories
// (OUT/year=2024/month=01/part-00000.parquet). Rows are routed in runs of
// equal partition values, so clustered input stays cheap. Values are escaped
// as Hive does (formats::hive_escape: %XX for '/', '=', '%' ...); nulls go to
// __HIVE_DEFAULT_PARTITION__.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/format.h"
#include "io/file_system.h"

namespace mortar::tools {

class PartitionedWriter : public formats::RecordWriter {
 public:
  static StatusOr<std::unique_ptr<PartitionedWriter>> open(
      io::FileSystem& fs, std::string root, const formats::Format& format, std::string file_name,
      types::TypePtr schema, std::vector<std::string> partition_by,
      formats::WriteOptions options);
  Status write(const types::RecordBatch& batch) override;
  Status close() override;

 private:
  PartitionedWriter() = default;
  io::FileSystem* fs_ = nullptr;
  std::string root_;
  const formats::Format* format_ = nullptr;
  std::string file_name_;
  types::TypePtr schema_;
  types::TypePtr data_schema_;
  std::vector<int> partition_columns_;
  std::vector<int> data_columns_;
  formats::WriteOptions options_;
  std::map<std::string, std::unique_ptr<formats::RecordWriter>> writers_;
};

}  // namespace mortar::tools
