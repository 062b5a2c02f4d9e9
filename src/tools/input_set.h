// The inputs of a `mortar file` command: one file, or every data file under
// a directory, each with its format; and one reader over all of them in
// order (later files are read with the first file's schema).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/format.h"

namespace mortar::tools {

struct InputFile {
  std::string path;
  const formats::Format* format = nullptr;
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
  static StatusOr<std::unique_ptr<MultiFileReader>> open(std::vector<InputFile> files,
                                                         const formats::Options& options);
  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

 private:
  std::vector<InputFile> files_;
  formats::Options options_;
  size_t current_ = 0;
  std::unique_ptr<formats::RecordReader> reader_;
  types::TypePtr schema_;
};

}  // namespace mortar::tools
