// Reading files into a DynamicFrame: Glue's from_options(connection_type
// "s3"/local, connection_options {paths, recurse, exclusions}, format,
// format_options). Files are listed when the source is made (a missing path
// fails early); each file is read by its format's reader with the
// format_options passed through, compression inferred from the suffix by
// the readers. Up to `threads` files are read at once, each on its own
// thread into a small bounded queue; batches still come out in file order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/plan_node.h"
#include "formats/format.h"

namespace mortar::engine {

struct FileSourceOptions {
  std::vector<std::string> paths;  // files or directories (plain, file://, s3://)
  // Glue's "recurse": also read files in subdirectories. Hive partition
  // directories (key=value) are always descended into.
  bool recurse = false;
  // Glue's "exclusions": glob patterns matched against each file's full path
  // and its path relative to the listed directory ("**.json", "2024/**").
  std::vector<std::string> exclusions;
  std::string format;  // "csv", "json", "parquet", ...; empty = by extension, else sniffed
  formats::Options format_options;
  int64_t batch_rows = 64 * 1024;
  int threads = 2;
  // Adds key=value directory names as string columns (unless the data has them).
  bool partition_columns = true;
};

struct SourceFile {
  std::string path;
  const formats::Format* format = nullptr;
  std::vector<std::pair<std::string, std::optional<std::string>>> partitions;
};

// Lists the files a source reads (hidden and _-prefixed files skipped, as
// Spark does). No files -> NotFound.
StatusOr<std::vector<SourceFile>> list_source_files(const FileSourceOptions& options);

StatusOr<NodePtr> make_file_source(FileSourceOptions options);

}  // namespace mortar::engine
