// Plan nodes of the transforms (internal to the engine: DynamicFrame's
// methods are the public face). Factories validate their arguments.
#pragma once

#include <string>
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
NodePtr make_filter(NodePtr input, FilterFn fn, const TransformOptions& options);
NodePtr make_map(NodePtr input, MapFn fn, const TransformOptions& options);
NodePtr make_union(NodePtr a, NodePtr b);
StatusOr<NodePtr> make_join(NodePtr left, const std::vector<std::string>& keys1, NodePtr right,
                            const std::vector<std::string>& keys2, const TransformOptions& options);
StatusOr<NodePtr> make_drop_duplicates(NodePtr input, const std::vector<std::string>& paths);
NodePtr make_errors_node(NodePtr input);
NodePtr make_memory_source(std::vector<std::shared_ptr<const types::RecordBatch>> batches);

}  // namespace mortar::engine
