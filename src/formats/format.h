// Readers and writers of data files, all streaming over columnar batches
// (types/column.h): memory is bounded by the batch size, never by the file
// size. Each format (csv, json, parquet, avro, orc, xml, grok) registers a
// Format; `mortar file`, crawlers and jobs find them by name or by
// sniffing.
//
// Options use Glue's `format_options` names where Glue has them
// ("separator", "quoteChar", "escaper", "withHeader", "writeHeader",
// "skipFirst", "multiLine", "jsonPath", "compression" ...), as strings.
// Errors from corrupt input name the file and the byte offset.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/file_system.h"
#include "types/column.h"
#include "types/data_type.h"

namespace mortar::formats {

using Options = std::map<std::string, std::string>;

// Min/max/null-count statistics of one column chunk, as strings of the
// column's type, for pruning row groups/stripes without reading them.
struct ColumnStats {
  std::optional<std::string> min, max;
  std::optional<int64_t> null_count;
};
// Returns false when a chunk with these statistics cannot hold a wanted row.
using PruningPredicate =
    std::function<bool(const std::map<std::string, ColumnStats>& stats_by_column)>;

struct ReadOptions {
  Options format_options;
  // Top-level columns to read (by name); empty = all.
  std::vector<std::string> columns;
  int64_t batch_rows = 64 * 1024;
  PruningPredicate prune;  // optional
  // The schema to read with, when the caller knows it (e.g. from the catalog).
  types::TypePtr schema;
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // The schema of the batches (a struct type), after projection.
  virtual types::TypePtr schema() const = 0;
  // The next batch, or nullptr at the end.
  virtual StatusOr<std::unique_ptr<types::RecordBatch>> next() = 0;
};

struct WriteOptions {
  Options format_options;  // includes "compression"
};

class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual Status write(const types::RecordBatch& batch) = 0;
  // Flushes footers and closes the output; nothing is visible before close().
  virtual Status close() = 0;
  // Bytes of written rows held in memory, not yet encoded into the output
  // (a Parquet row group, an ORC stripe); 0 for writers that stream.
  virtual int64_t buffered_bytes() const { return 0; }
  // Encodes what is buffered now (ends the row group or stripe early) so
  // its memory is released; a caller bounding several writers' memory uses it.
  virtual Status flush() { return ok_status(); }
  // Writes rows rows[0, n) of `columns` (one per field of the writer's
  // schema, in order) as write() would a batch gathered from them, without
  // building that batch (a partitioned sink's rows of one folder). Only
  // writers whose can_write_rows() is true implement it; for the others the
  // caller gathers the rows and calls write().
  virtual bool can_write_rows() const { return false; }
  virtual Status write_rows(const std::vector<const types::Column*>& columns, const int64_t* rows, int64_t n) {
    return internal_error("this writer cannot write gathered rows");
  }
};

class Format {
 public:
  virtual ~Format() = default;
  virtual std::string name() const = 0;  // "csv", "json", "parquet"
  // File extensions this format claims (".csv", ".parquet" ...).
  virtual std::vector<std::string> extensions() const = 0;
  // Certainty 0..1 that `head` (the first bytes of a file, decompressed)
  // is this format, for classification.
  virtual double sniff(std::string_view head) const = 0;

  virtual StatusOr<std::unique_ptr<RecordReader>> open_reader(io::FileSystem& fs,
                                                               const std::string& path,
                                                               const ReadOptions& options) const = 0;
  virtual StatusOr<std::unique_ptr<RecordWriter>> open_writer(io::FileSystem& fs,
                                                               const std::string& path,
                                                               types::TypePtr schema,
                                                               const WriteOptions& options) const = 0;
};

// All registered formats. Each format's .cc registers itself through
// register_format() from a function called by all_formats() (no static-init
// order games): see format_registry.cc.
const std::vector<const Format*>& all_formats();
// By name ("csv", "json", "parquet"...); NotFound when unknown.
StatusOr<const Format*> format_by_name(const std::string& name);
// By extension of the path (ignoring a compression suffix such as .gz).
const Format* format_for_path(const std::string& path);
// By content: the format that claims `head` (a file's first bytes,
// decompressed) most surely, or nullptr when none is fairly sure (0.3).
const Format* format_for_content(std::string_view head);

}  // namespace mortar::formats
