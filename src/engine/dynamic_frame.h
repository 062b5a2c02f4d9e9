// DynamicFrame: Mortar's native version of Glue's DynamicFrame. A frame is
// an immutable handle on a lazy plan (plan_node.h); transforms return new
// frames and nothing is read until an action (count, schema, to_records,
// show, a sink) runs. Execution is pull-based and streaming: memory is
// bounded by the batches in flight, not by the data.
//
// The API is made to be bound to Python as Glue's awsglue package: plain
// value types, std::function callbacks, Status/StatusOr results. Transforms
// validate their arguments when called (bad specs fail then); data problems
// surface when an action runs. Names and defaults follow Glue; differences
// are listed in README.md.
// Thread-safety: frames are immutable and may be shared; each action runs on
// the calling thread (plus the source's reader threads).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/exec_context.h"
#include "engine/plan_node.h"
#include "engine/record.h"
#include "types/column.h"

namespace mortar::engine {

struct FileSourceOptions;

// ApplyMapping's 4-tuple.
struct Mapping {
  std::string source_path;
  std::string source_type;
  std::string target_path;
  std::string target_type;
};

// ResolveChoice's (path, action): "cast:<type>", "project:<type>",
// "make_cols", "make_struct".
struct ResolveSpec {
  std::string path;
  std::string action;
};

// One of SplitRows' comparisons: the value at `path` <op> `value`, op one of
// "<", "<=", ">", ">=", "=", "!=" (Glue's comparison_dict, flattened).
struct Comparison {
  std::string path;
  std::string op;
  types::Value value;
};

class DynamicFrame;
// Named frames (Glue's DynamicFrameCollection).
using DynamicFrameCollection = std::map<std::string, DynamicFrame>;

using FilterFn = std::function<bool(const Record&)>;
using MapFn = std::function<Record(Record)>;

class DynamicFrame {
 public:
  explicit DynamicFrame(NodePtr node, int num_partitions = 0);

  // --- sources ------------------------------------------------------------
  static StatusOr<DynamicFrame> from_files(const FileSourceOptions& options);
  // In-memory batches (may have different schemas; they are merged).
  static DynamicFrame from_batches(std::vector<std::shared_ptr<const types::RecordBatch>> batches);
  // Records with their own schemas (merged), e.g. built in tests or Python.
  static StatusOr<DynamicFrame> from_records(const std::vector<Record>& records);

  // --- actions --------------------------------------------------------------
  StatusOr<types::TypePtr> schema() const;
  StatusOr<int64_t> count() const;
  StatusOr<std::vector<Record>> to_records() const;
  // Rows as struct Values in schema() field order.
  StatusOr<std::vector<types::Value>> to_rows() const;
  // The schema as Glue's printSchema() prints it ("root", "|-- name: type"
  // lines indented by "|    " per level, Glue's type names).
  StatusOr<std::string> print_schema() const;
  // The first n records as JSON, one per line (Glue's show()).
  StatusOr<std::string> show(int64_t n = 20) const;
  // Streams the conformed batches to `fn` (sinks, bindings), each once: the
  // schema is the exact one, so a CSV source reads its files for it first.
  Status for_each_batch(const std::function<Status(const types::RecordBatch&)>& fn) const;
  // The error records this frame's plan sets aside, as a frame with fields
  // stage, message, record (the record as JSON text). Runs the plan.
  DynamicFrame errors_as_frame() const;
  StatusOr<int64_t> errors_count() const;

  // --- transforms -----------------------------------------------------------
  StatusOr<DynamicFrame> apply_mapping(const std::vector<Mapping>& mappings,
                                       bool case_sensitive = false,
                                       const TransformOptions& options = {}) const;
  // Exactly one of specs / choice must be given (Glue's third way,
  // match_catalog, needs a catalog table and is not supported here).
  StatusOr<DynamicFrame> resolve_choice(const std::vector<ResolveSpec>& specs,
                                        const std::string& choice = "",
                                        const TransformOptions& options = {}) const;
  StatusOr<DynamicFrame> select_fields(const std::vector<std::string>& paths,
                                       const TransformOptions& options = {}) const;
  StatusOr<DynamicFrame> drop_fields(const std::vector<std::string>& paths,
                                     const TransformOptions& options = {}) const;
  StatusOr<DynamicFrame> rename_field(const std::string& old_path, const std::string& new_path,
                                      const TransformOptions& options = {}) const;
  DynamicFrame drop_null_fields(const TransformOptions& options = {}) const;
  DynamicFrame filter(FilterFn fn, const TransformOptions& options = {}) const;
  DynamicFrame map(MapFn fn, const TransformOptions& options = {}) const;
  // Records of both frames, schemas merged.
  DynamicFrame union_with(const DynamicFrame& other) const;
  // Inner equi-join; right-side fields whose names clash with the left's get
  // a "." prefix, as Glue names them.
  StatusOr<DynamicFrame> join(const std::vector<std::string>& keys1, const DynamicFrame& other,
                              const std::vector<std::string>& keys2,
                              const TransformOptions& options = {}) const;
  // Records whose paths are all equal are kept once (first seen); empty
  // paths compare whole records.
  StatusOr<DynamicFrame> drop_duplicates(const std::vector<std::string>& paths = {}) const;

  // Two frames: the given paths (name1) and all other fields (name2).
  StatusOr<DynamicFrameCollection> split_fields(const std::vector<std::string>& paths,
                                                const std::string& name1,
                                                const std::string& name2) const;
  // Records satisfying every comparison (name1) and the others (name2).
  StatusOr<DynamicFrameCollection> split_rows(const std::vector<Comparison>& comparisons,
                                              const std::string& name1, const std::string& name2,
                                              const TransformOptions& options = {}) const;
  // Flattens structs and pivots arrays into tables (see relationalize.cc);
  // runs the plan once, holding the tables in memory.
  StatusOr<DynamicFrameCollection> relationalize(const std::string& root_table_name) const;
  // Parses the JSON string at `path` into structured data (format "json").
  StatusOr<DynamicFrame> unbox(const std::string& path, const std::string& format,
                               const TransformOptions& options = {}) const;
  // Struct fields become top-level fields named "a.b".
  DynamicFrame unnest() const;
  // Writes a sample (first topk records, each kept with probability prob)
  // as JSON lines under `path` when the frame runs; records pass unchanged.
  StatusOr<DynamicFrame> spigot(const std::string& path, int64_t topk = 100,
                                double prob = 1.0) const;
  // Glue's mergeDynamicFrame: records of `staging` replace this frame's
  // records with the same primary keys; other records of both are kept.
  StatusOr<DynamicFrame> merge_frames(const DynamicFrame& staging,
                                      const std::vector<std::string>& primary_keys) const;

  // Output file count hint for sinks (repartition/coalesce: n files).
  DynamicFrame repartition(int num_partitions) const;
  DynamicFrame coalesce(int num_partitions) const;
  int num_partitions() const { return num_partitions_; }

  const NodePtr& node() const { return node_; }

 private:
  // for_each_batch on a schema that may be a guess (schema_guess.h): the
  // caller reruns it when that fails with schema_widened().
  Status stream_batches(const std::function<Status(const types::RecordBatch&)>& fn) const;

  NodePtr node_;
  int num_partitions_ = 0;  // 0 = sink default (one file per output folder)
};

}  // namespace mortar::engine
