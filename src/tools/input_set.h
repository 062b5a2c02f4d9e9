// The inputs of a `mortar file` command: one file, or every data file under
// a directory, each with its format; and one reader over all of them in
// order (later files are read with the first file's schema). Hive partition
// directories (key=value) become trailing string columns.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "formats/format.h"

namespace mortar::tools {

struct InputFile {
  std::string path;
  const formats::Format* format = nullptr;
  // Hive-style partition values from the directories between the input root
  // and the file (year=2024/...), unescaped; nullopt for
  // __HIVE_DEFAULT_PARTITION__.
  std::vector<std::pair<std::string, std::optional<std::string>>> partitions;
  // CSV without a separator option: the one detected in the file's head.
  std::string separator;
};

// `input_format` (may be empty) overrides detection by extension and sniffing.
StatusOr<std::vector<InputFile>> list_inputs(const std::string& path,
                                             const std::string& input_format);

// Read options for a format: the user's options plus the tool's defaults
// (CSV: withHeader=true unless given).
formats::ReadOptions read_options_for(const formats::Format& format,
                                      const formats::Options& user_options);

class MultiFileReader : public formats::RecordReader {
 public:
  // `columns`: the data columns to read (projection); empty = all.
  static StatusOr<std::unique_ptr<MultiFileReader>> open(std::vector<InputFile> files,
                                                         const formats::Options& options,
                                                         std::vector<std::string> columns = {});
  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

 private:
  // Appends the current file's partition columns.
  StatusOr<std::unique_ptr<types::RecordBatch>> with_partitions(
      std::unique_ptr<types::RecordBatch> batch) const;
  std::vector<InputFile> files_;
  formats::Options options_;
  std::vector<std::string> columns_;
  size_t current_ = 0;
  std::unique_ptr<formats::RecordReader> reader_;
  types::TypePtr file_schema_;  // without partition columns
  types::TypePtr schema_;
};

}  // namespace mortar::tools
