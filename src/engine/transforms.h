// Plan nodes of the transforms (internal to the engine: DynamicFrame's
// methods are the public face). Factories validate their arguments.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/dynamic_frame.h"
#include "engine/plan_node.h"

namespace mortar::engine {

StatusOr<NodePtr> make_apply_mapping(NodePtr input, const std::vector<Mapping>& mappings,
                                     bool case_sensitive, const TransformOptions& options);
StatusOr<NodePtr> make_resolve_choice(NodePtr input, const std::vector<ResolveSpec>& specs,
                                      const std::string& choice, const TransformOptions& options);
StatusOr<NodePtr> make_select_fields(NodePtr input, const std::vector<std::string>& paths);
StatusOr<NodePtr> make_drop_fields(NodePtr input, const std::vector<std::string>& paths);
StatusOr<NodePtr> make_rename_field(NodePtr input, const std::string& old_path,
                                    const std::string& new_path);
NodePtr make_drop_null_fields(NodePtr input);
// The input of a DropNullFields node; nullptr for other nodes (sinks drop
// null fields themselves in one pass, see file_sink.cc).
NodePtr drop_null_fields_input(const PlanNode& node);
NodePtr make_filter(NodePtr input, FilterFn fn, const TransformOptions& options);
NodePtr make_map(NodePtr input, MapFn fn, const TransformOptions& options);
NodePtr make_union(NodePtr a, NodePtr b);
StatusOr<NodePtr> make_join(NodePtr left, const std::vector<std::string>& keys1, NodePtr right,
                            const std::vector<std::string>& keys2, const TransformOptions& options);
StatusOr<NodePtr> make_drop_duplicates(NodePtr input, const std::vector<std::string>& paths);
StatusOr<std::pair<NodePtr, NodePtr>> make_split_rows(NodePtr input,
                                                      const std::vector<Comparison>& comparisons,
                                                      const TransformOptions& options);
NodePtr make_unnest(NodePtr input);
StatusOr<NodePtr> make_merge_frames(NodePtr source, NodePtr staging,
                                    const std::vector<std::string>& primary_keys);
StatusOr<NodePtr> make_spigot(NodePtr input, const std::string& path, int64_t topk, double prob);
StatusOr<NodePtr> make_unbox(NodePtr input, const std::string& path, const std::string& format,
                             const TransformOptions& options);
StatusOr<std::map<std::string, DynamicFrame>> relationalize_frame(const DynamicFrame& frame,
                                                                  const std::string& root_name);
NodePtr make_errors_node(NodePtr input);

// Unresolved choices on the way to a file writer (resolve_choice.cc).
// True when `type` holds a choice anywhere (fields, elements, map values).
bool has_choice(const types::DataType& type);
// What Glue's toDF() does before a Spark writer: every choice (nested ones
// too, except inside maps, which resolveChoice cannot reach either) becomes
// a struct with one field per alternative, as resolveChoice make_struct.
StatusOr<std::unique_ptr<types::RecordBatch>> choices_to_structs(
    std::unique_ptr<types::RecordBatch> batch);
// InvalidInput for `writer`, which cannot store the choices of the record
// type `schema` (`why` says why): names the first choice's column and the
// resolveChoice spec that would fix it.
Status unresolved_choice_error(const std::string& writer, const types::TypePtr& schema,
                               const std::string& why);
NodePtr make_memory_source(std::vector<std::shared_ptr<const types::RecordBatch>> batches);

}  // namespace mortar::engine
