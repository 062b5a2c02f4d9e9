#include "engine/file_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>

#include "common/ascii.h"
#include "engine/conform.h"
#include "engine/null_fields.h"
#include "engine/schema_guess.h"
#include "engine/schema_merge.h"
#include "engine/sink_writer.h"
#include "engine/transforms.h"
#include "formats/format_options.h"
#include "io/file_system.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;

namespace {

std::string run_id() {
  std::random_device rd;
  return fmt::format("{:08x}", rd());
}

std::string compression_suffix(const std::string& codec) {
  if (codec == "gzip" || codec == "gz") return ".gz";
  if (codec == "zstd" || codec == "zst") return ".zst";
  if (codec == "snappy") return ".snappy";
  if (codec == "bzip2" || codec == "bz2") return ".bz2";
  if (codec == "lz4") return ".lz4";
  if (codec == "xz") return ".xz";
  return "";
}

// Moves the written files into place.
Status publish(io::FileSystem& fs, const std::string& tmp, const std::string& target,
               const std::vector<std::string>& files, bool target_exists) {
  if (!target_exists && fs.rename(tmp, target).ok()) return ok_status();  // one atomic step
  for (const auto& rel : files) {
    MORTAR_RETURN_IF_ERROR(fs.rename(io::join_path(tmp, rel), io::join_path(target, rel)));
  }
  return fs.remove(tmp);
}

// What a writer gets for an unresolved choice (docs/compatibility.md):
// JSON and CSV write each value as it is; the formats Glue writes through
// Spark (Parquet, ORC, Avro) get the struct toDF() makes of it (SinkWriter's
// choices_as_structs); Glue's own glueparquet writer takes no type change
// within a column, so it refuses (stream_into's refuse_choices).
constexpr const char* kGlueParquetRefusal =
    ": Glue's glueparquet writer allows no type change within a column (format \"parquet\" "
    "writes it as a struct with one field per type, as Glue's Spark writer does)";

// Streams the frame into `writer` in one pass and returns the final schema.
//
// Text formats take the frame's schema first (DropNullFields and Map run a
// pass for it, as elsewhere): their files cannot be read back with their
// types. Typed formats (Parquet, Avro, ORC) are written in one pass: a
// DropNullFields at the end of the plan is done here, writing only fields
// non-null so far, and a Map/Unbox at the end is opened unconformed, its
// batches merged into a growing schema. Either may change the written
// schema midway; SinkWriter then starts new files and finish() rewrites the
// earlier ones to the final schema (none when nothing changed).
StatusOr<TypePtr> stream_into(const DynamicFrame& frame, bool single_pass, bool refuse_choices,
                              SinkWriter& writer) {
  ExecContext ctx;
  NodePtr tail = frame.node();
  bool drop_nulls = false;
  if (single_pass) {
    if (NodePtr input = drop_null_fields_input(*tail)) {
      tail = std::move(input);
      drop_nulls = true;
    }
  }
  // (A Map whose schema was asked for already has its output cached: that is
  // replayed through open_conformed instead of running it again.)
  const bool evolving = single_pass && tail->schema_from_data() && !tail->has_first_pass();
  TypePtr running = types::DataType::structure({});
  std::unique_ptr<BatchStream> stream;
  if (evolving) {
    MORTAR_ASSIGN_OR_RETURN(stream, tail->open(ctx));
  } else {
    MORTAR_ASSIGN_OR_RETURN(running, tail->schema());
    if (refuse_choices && has_choice(*running))  // before reading anything
      return unresolved_choice_error("glueparquet", running, kGlueParquetRefusal);
    MORTAR_ASSIGN_OR_RETURN(stream, open_conformed(*tail, ctx));
  }

  // Partitioning and encoding run on their own thread while this one reads
  // and transforms (and runs any callbacks, on the caller's thread).
  AsyncSinkWriter async(writer, 2);
  NullFieldTracker tracker;
  std::vector<FieldPath> dropped;
  auto drop_set = [&](const TypePtr& schema) {
    std::vector<FieldPath> paths;
    for (auto& p : tracker.null_paths(*schema)) {
      bool key = false;  // partition keys stay (their nulls name a folder)
      for (const auto& k : writer.partition_keys()) key = key || (p.size() == 1 && p[0].name == k);
      if (!key) paths.push_back(std::move(p));
    }
    return paths;
  };
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
    if (!batch) break;
    if (evolving) {
      if (batch->schema() != running && !batch->schema()->equals(*running)) {
        TypePtr merged = merge_types(running, batch->schema());
        // A partition key the records have not shown yet is null so far
        // (its rows go to __HIVE_DEFAULT_PARTITION__).
        for (const auto& k : writer.partition_keys()) {
          if (merged->field_index(k) < 0)
            merged =
                merge_types(merged, types::DataType::structure({{k, types::DataType::null()}}));
        }
        if (!merged->equals(*running)) running = merged;
      }
      MORTAR_ASSIGN_OR_RETURN(batch, conform_batch(std::move(batch), running));
    }
    if (drop_nulls) {
      tracker.mark(*batch);
      dropped = drop_set(running);
      MORTAR_ASSIGN_OR_RETURN(batch, drop_field_paths(std::move(batch), dropped));
    }
    if (refuse_choices && has_choice(*batch->schema()))
      return unresolved_choice_error("glueparquet", batch->schema(), kGlueParquetRefusal);
    MORTAR_RETURN_IF_ERROR(async.push(std::move(batch)));
  }
  MORTAR_RETURN_IF_ERROR(async.drain());
  if (!drop_nulls) return running;
  MORTAR_ASSIGN_OR_RETURN(auto empty,
                          drop_field_paths(RecordBatch::make_empty(running), drop_set(running)));
  return empty->schema();
}

}  // namespace

namespace {

StatusOr<WriteResult> write_files_once(const DynamicFrame& frame, const FileSinkOptions& options) {
  std::string format_name = ascii_lower(options.format);
  // Glue's DynamicFrame Parquet writer: Parquet files, choices refused.
  const bool glue_parquet = format_name == "glueparquet";
  MORTAR_ASSIGN_OR_RETURN(const formats::Format* format,
                          formats::format_by_name(glue_parquet ? "parquet" : options.format));
  MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(options.path));
  formats::WriteOptions wo;
  wo.format_options = options.format_options;
  std::string codec = options.compression;
  if (codec.empty())
    codec = formats::find_option(options.format_options, "compression").value_or("");
  if (!codec.empty()) wo.format_options["compression"] = codec;
  std::string lower_codec = ascii_lower(codec);
  const bool text = format->name() == "csv" || format->name() == "json" || format->name() == "xml";
  std::string suffix = format->extensions().empty() ? "" : format->extensions()[0];
  if (text) suffix += compression_suffix(lower_codec);

  std::string target = options.path;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  size_t slash = target.find_last_of('/');
  std::string parent = slash == std::string::npos ? "." : target.substr(0, slash);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  const std::string run = run_id();
  const std::string tmp = io::join_path(parent, "." + base + ".mortar-" + run + ".tmp");
  bool target_exists = fs->stat(target).ok();

  SinkWriterConfig config;
  config.fs = fs;
  config.root = tmp;
  config.format = format;
  config.suffix = suffix;
  config.partition_keys = options.partition_keys;
  config.num_files =
      options.num_files > 0 ? options.num_files : std::max(1, frame.num_partitions());
  config.options = wo;
  config.run = run;
  const bool as_structs = !text && !glue_parquet;
  config.choices_as_structs = as_structs;
  auto writer = std::make_unique<SinkWriter>(std::move(config));
  auto cleanup = [&](Status s) {
    writer.reset();         // unclosed outputs leave nothing behind
    (void)fs->remove(tmp);  // may not exist yet
    return s;
  };
  Status s;
  TypePtr written_schema;
  try {
    auto final_schema = stream_into(frame, !text, glue_parquet, *writer);
    s = final_schema.ok() ? writer->finish(*final_schema) : final_schema.status();
    if (s.ok()) written_schema = *final_schema;
    if (s.ok() && as_structs && has_choice(*written_schema)) {  // as the files hold it
      auto empty = choices_to_structs(RecordBatch::make_empty(written_schema));
      s = empty.status();
      if (s.ok()) written_schema = (*empty)->schema();
    }
  } catch (const std::exception& e) {
    s = internal_error(std::string("write: ") + e.what());
  }
  if (!s.ok()) return cleanup(annotate(s, "writing " + target));
  std::vector<std::string> files = writer->files();
  if (files.empty()) {
    MORTAR_RETURN_IF_ERROR(fs->make_directories(target));
  } else {
    Status p = publish(*fs, tmp, target, files, target_exists);
    if (!p.ok()) return cleanup(p);
  }
  WriteResult result;
  for (const auto& rel : files) result.files.push_back(io::join_path(target, rel));
  std::sort(result.files.begin(), result.files.end());
  result.rows = writer->rows();
  result.schema = written_schema;
  return result;
}

}  // namespace

StatusOr<WriteResult> write_files(const DynamicFrame& frame, const FileSinkOptions& options) {
  if (options.path.empty()) return invalid_input("write: no path");
  // A failed attempt leaves nothing behind, so a guessed schema that proves
  // too narrow midway costs a rerun, not a wrong or partial output.
  int attempts = 0;
  auto result = rerun_if_widened([&] {
    ++attempts;
    return write_files_once(frame, options);
  });
  if (result.ok()) result->attempts = attempts;
  return result;
}

}  // namespace mortar::engine
