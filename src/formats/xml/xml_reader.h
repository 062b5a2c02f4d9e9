// Streaming XML reader with Glue's XML format_options. Every element named
// `rowTag` (at any depth, outside another record) is a record: attributes
// become fields named attributePrefix + name (default "_"; dropped with
// excludeAttribute=true), child elements become fields (repeated children
// an array), and text beside attributes or children the field valueTag
// (default "_VALUE"); a leaf element is its text. Text is typed as spark-xml
// does: long, double, boolean, else string; an empty element is null
// (treatEmptyValuesAsNulls also nulls whitespace-only text;
// ignoreSurroundingSpaces trims values). Types merge across records with
// the JSON reader's inference (json_inference.h): long+double -> double,
// other disagreements -> choice.
//
// Without ReadOptions::schema, a first pass over the file (or the first
// inferSampleRows records) infers the schema; a second pass reads. Only the
// current record is held in memory, and no more than maxRecordSize bytes of
// its text (format_options.h; default 64 MiB): a longer record is refused
// as soon as that much of it has streamed in. encoding: UTF-8 (default) or
// ISO-8859-1/Latin-1/US-ASCII (transcoded). Not thread-safe, as RecordReader.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "formats/format.h"
#include "io/file_system.h"

namespace mortar::formats::xml {

// Opens the input afresh (the reader reads it twice when inferring).
using StreamOpener = std::function<StatusOr<std::unique_ptr<io::InputStream>>()>;

class XmlReader {
 public:
  static StatusOr<std::unique_ptr<RecordReader>> open(io::FileSystem& fs, const std::string& path,
                                                      const ReadOptions& options);
  static StatusOr<std::unique_ptr<RecordReader>> open_stream(StreamOpener opener,
                                                             const std::string& path,
                                                             const ReadOptions& options);
};

}  // namespace mortar::formats::xml
