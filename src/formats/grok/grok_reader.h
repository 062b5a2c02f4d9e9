// Streaming grok reader: reads the (decompressed) file in blocks, splits it
// into lines (LineCount lines per record, joined by '\n'), matches each record
// against the compiled pattern and appends one row per match: one column per
// named capture, typed by its suffix (or by the read schema's field of that
// name). Values equal to MISSING ("-" by default) and captures that did not
// take part are null. StrictMode (Glue: no automatic conversion or recovery):
// a record that does not match or a value that does not convert is an error
// naming the file and line; otherwise such a record is skipped and such a
// value is null. maxRecordSize (format_options.h; default 64 MiB) bounds a
// record (a line without its ending, or LineCount lines joined by '\n'): a
// longer one is refused as soon as that much of it has streamed in, so
// memory is bounded by the block and batch sizes and that option.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "formats/format.h"
#include "formats/grok/grok_compiler.h"
#include "io/file_system.h"

namespace mortar::formats::grok {

class GrokReader : public RecordReader {
 public:
  static StatusOr<std::unique_ptr<GrokReader>> open(io::FileSystem& fs, const std::string& path,
                                                    const ReadOptions& options);
  static StatusOr<std::unique_ptr<GrokReader>> open_stream(std::unique_ptr<io::InputStream> in,
                                                           const std::string& path,
                                                           const ReadOptions& options);

  types::TypePtr schema() const override { return schema_; }
  StatusOr<std::unique_ptr<types::RecordBatch>> next() override;

 private:
  GrokReader() = default;
  Status init(const ReadOptions& options);
  // The next line without its terminator; false at the end of the input.
  StatusOr<bool> next_line(std::string_view* line);
  Status append_record(std::string_view record, int64_t line_no, types::RecordBatch* batch);

  std::unique_ptr<io::InputStream> in_;
  std::string path_;
  std::unique_ptr<CompiledGrok> grok_;
  std::optional<std::string> missing_;
  bool strict_ = false;
  int64_t line_count_ = 1;
  int64_t max_record_ = 0;
  int64_t batch_rows_ = 65536;
  types::TypePtr schema_;
  std::vector<int> sources_;  // output column -> grok field
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  int64_t base_offset_ = 0;  // absolute offset of buf_[0]
  int64_t line_no_ = 0;
  int64_t line_offset_ = 0;  // absolute offset of the line next_line() returned last
  std::string record_;
  std::vector<std::string_view> values_;
};

}  // namespace mortar::formats::grok
