// Reading files into a DynamicFrame: Glue's from_options(connection_type
// "s3"/local, connection_options {paths, recurse, exclusions}, format,
// format_options). Files are listed when the source is made (a missing path
// fails early); each file is read by its format's reader with the
// format_options passed through, compression inferred from the suffix by
// the readers (or given by `compression_type` for files without a suffix).
// Up to `threads` files (or groups of small files, `group_files`) are read at
// once, each on its own thread into a small bounded queue; batches still come
// out in file order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "engine/plan_node.h"
#include "formats/format.h"

namespace mortar::engine {

// Partition values of one input: (key, value) in order; nullopt is Hive's
// __HIVE_DEFAULT_PARTITION__ (a null).
using PartitionValues = std::vector<std::pair<std::string, std::optional<std::string>>>;

// An explicit input with its partition values, e.g. a catalog partition whose
// location is not a Hive `key=value` folder. `path` is a file or a folder
// (listed with the source's recurse/exclusions rules; key=value folders below
// it add their own values after these). A path that does not exist holds no
// files (a catalog partition whose objects are gone reads as empty, as an S3
// prefix without objects does).
struct SourceInput {
  std::string path;
  PartitionValues partitions;
};

struct FileSourceOptions {
  std::vector<std::string> paths;  // files or directories (plain, file://, s3://)
  // Explicit inputs, read after `paths` (either may be empty, not both).
  std::vector<SourceInput> files;
  // Types of partition columns by key, as Hive/Glue type names ("int",
  // "bigint", "date", "decimal(10,2)" ...); values are cast with cast.h's
  // rules (unconvertible -> null). Keys not listed are strings.
  std::map<std::string, std::string> partition_types;
  // Glue's "recurse": also read files in subdirectories. Hive partition
  // directories (key=value) are always descended into.
  bool recurse = false;
  // Glue's "exclusions": glob patterns matched against each file's full path
  // and its path relative to the listed directory ("**.json", "2024/**");
  // io/glob_matcher.h has the syntax. A malformed pattern is InvalidInput.
  std::vector<std::string> exclusions;
  std::string format;  // "csv", "json", "parquet", ...; empty = by extension, else sniffed
  formats::Options format_options;
  // Glue's "compressionType" ("gzip", "bzip2", "zstd", "snappy", "lz4", ...):
  // the codec of files whose names carry no compression suffix. Empty: by
  // suffix, else by magic bytes.
  std::string compression_type;
  // Glue's "groupFiles" ("inPartition" = true) and "groupSize" (bytes; 0 =
  // kDefaultGroupSize): consecutive files of one partition folder are read as
  // one unit by one reader thread, up to group_size bytes per unit, so many
  // small files do not each cost a thread hand-off and a queue slot.
  bool group_files = false;
  int64_t group_size = 0;
  int64_t batch_rows = 64 * 1024;
  int threads = 2;
  // Adds key=value directory names as string columns (unless the data has them).
  bool partition_columns = true;
  // A catalog table's data columns (name, Glue type name), in order. Set,
  // every file's data columns come out as a Hive SerDe presents the table:
  // under these names in this order, CSV columns by position (whatever the
  // header says), other formats' top-level fields by name, ignoring case; a
  // column a file lacks is null, file columns not listed are dropped. Values
  // keep the data's types, as Glue's DynamicFrame does (ResolveChoice
  // match_catalog applies the catalog's); a column no file has takes its
  // catalog type. Partition columns follow.
  std::vector<std::pair<std::string, std::string>> table_columns;
};

inline constexpr int64_t kDefaultGroupSize = 32 << 20;

struct SourceFile {
  std::string path;
  const formats::Format* format = nullptr;
  PartitionValues partitions;
  int64_t size = 0;
  int64_t mtime_micros = 0;  // job bookmarks select files by it
};

// Lists the files a source reads (hidden and _-prefixed files skipped, as
// Spark does). No files -> NotFound.
StatusOr<std::vector<SourceFile>> list_source_files(const FileSourceOptions& options);

StatusOr<NodePtr> make_file_source(FileSourceOptions options);

}  // namespace mortar::engine
