// Groups classified files into tables and partitions as Glue's crawler does
// (see README.md in this folder for the exact rules). Pure: no I/O, so the
// rules are tested on hand-made classifications.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crawler/crawl_types.h"

namespace mortar::crawler {

// A file with its classification. The Classification is shared (files
// reusing one manifest entry share one object); the per-file record figures
// live beside it and override the shared object's.
struct ClassifiedFile {
  FileEntry entry;
  std::string relative;  // below the include path, '/'-separated ("" when the include path is the file)
  std::shared_ptr<const Classification> classification;  // never null
  int64_t record_count = 0;
  int64_t average_record_size = 0;
};

// The files of one S3Target's include path.
struct GroupingTarget {
  std::string root;  // the include path without trailing '/'
  std::vector<ClassifiedFile> files;
};

struct GroupingOptions {
  const CrawlerConfig* config = nullptr;  // required
  std::string table_prefix;
};

// Tables for all targets, named (sanitised, prefixed, clashes suffixed).
// Files the rules cannot place (a format or folder depth differing from
// their table's) become problems. Locations end with '/'.
std::vector<PlannedTable> group_files(const std::vector<GroupingTarget>& targets,
                                      const GroupingOptions& options,
                                      std::vector<CrawlProblem>& problems);

// Which classifiers classified `files`, in words (describe_classifier): the
// one when they agree, else each with its file count, most files first.
std::string classified_by(const std::vector<const ClassifiedFile*>& files);

// The level (1 = the bucket, or a local path's first folder) of a path.
int path_level(std::string_view path);

// Glue type of a partition key from its values: with `typed`, "bigint" when
// every value is an integer, "date" when every value is yyyy-MM-dd; else
// "string".
std::string partition_key_type(const std::vector<std::string>& values, bool typed);

}  // namespace mortar::crawler
