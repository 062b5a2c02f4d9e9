// Writing a DynamicFrame to files (Glue's write_dynamic_frame.from_options
// with connection_type "s3"/local): any registered writer format, Hive
// partition folders (`key=value/`, the keys leave the data), compression,
// and as many files per folder as the frame's repartition()/coalesce() say
// (default one).
//
// Atomic per run: everything is written into a hidden temp folder beside the
// target (".<name>.mortar-<run>.tmp") and moved into place only when every
// file closed cleanly. A failure (bad data, an error record past its
// threshold, a writer error) removes the temp folder and leaves the target
// as it was. When the target folder already exists the new files are added
// to it (as Glue appends), each file renamed in whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/dynamic_frame.h"
#include "formats/format.h"

namespace mortar::engine {

struct FileSinkOptions {
  std::string path;  // the target folder (plain, file://, s3://)
  // "csv", "json", "parquet", "avro", "orc", "xml", or "glueparquet" (Parquet
  // files, but unresolved choices are refused as Glue's writer does; the
  // others write them as docs/compatibility.md says).
  std::string format;
  formats::Options format_options;
  std::vector<std::string> partition_keys;  // top-level fields
  // "gzip", "zstd", "snappy", "none"...; also read from format_options.
  std::string compression;
  int num_files = 0;  // 0: the frame's num_partitions(), else 1
};

struct WriteResult {
  std::vector<std::string> files;  // final paths, sorted
  int64_t rows = 0;
  // The schema of what was written, partition keys included (the frame's
  // schema, known without another pass: e.g. for a catalog update).
  types::TypePtr schema;
  // Runs it took: 2 when a guessed CSV schema widened midway (schema_guess.h).
  int attempts = 1;
};

StatusOr<WriteResult> write_files(const DynamicFrame& frame, const FileSinkOptions& options);

}  // namespace mortar::engine
