// CSV options, parsed from Glue's format_options names:
//   separator (","), quoteChar ("\"", "-1" disables quoting), escaper (none),
//   withHeader (false), writeHeader (true), skipFirst (false), multiLine
//   (accepted; quoted newlines are always honoured), plus Mortar's own:
//   skipRows (records to skip before the header), nullValue (text read and
//   written as null; empty unquoted fields are always null), allowRaggedRows
//   (short rows padded with nulls, long rows truncated, instead of an error),
//   inferSchema (default true; false reads every column as string, as
//   Spark's option does), inferSampleRows (rows sampled, default 20000),
//   threads (parsing threads, default 2), blockSize (bytes per read block),
//   choiceTypes (default false; the engine's file source turns it on, as
//   DynamicFrame types each value: a column mixing numbers and text is
//   choice<bigint|double,string>, and values past the inference sample that
//   do not parse as the inferred type make their batch's column a choice
//   instead of failing the read), wholeFileSchema (with choiceTypes and an
//   inferred schema: open() reads the whole file so schema() also covers
//   values past the sample; for callers that want only the schema, e.g. a
//   DynamicFrame's schema pass: when it had to read past the sample, next()
//   then fails), maxRecordSize (default 64 MiB, at most 1 GiB: the longest
//   record in bytes, its line ending not counted; a longer one is refused
//   while it streams in, so a small compressed file that expands to one
//   huge line costs no more memory than this; format_options.h, shared by
//   every text reader).
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "formats/csv/csv_tokenizer.h"
#include "formats/format.h"
#include "formats/format_options.h"

namespace mortar::formats::csv {

struct CsvOptions {
  Dialect dialect;
  bool with_header = false;
  bool write_header = true;
  bool skip_first = false;
  bool multi_line = false;
  int64_t skip_rows = 0;
  std::optional<std::string> null_value;
  bool allow_ragged = false;
  bool infer_schema = true;
  bool choice_types = false;
  bool whole_file_schema = false;
  int64_t infer_sample_rows = 20000;
  int threads = 2;
  int64_t block_size = 8 << 20;
  int64_t max_record_size = kDefaultMaxRecordSize;

  // `path` picks defaults by extension (".tsv": tab separator).
  static StatusOr<CsvOptions> parse(const Options& options, const std::string& path = "");
};

}  // namespace mortar::formats::csv
