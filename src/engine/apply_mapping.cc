// ApplyMapping: each (source, source_type, target, target_type) mapping
// copies the source field to the target path, cast to the target type.
// Unmapped fields are dropped; dotted targets build structs; sources match
// case-insensitively unless case_sensitive; a source the data does not have
// produces no field. source_type is checked for syntax only: values are cast
// from their actual type (choice columns value by value).
#include <cctype>
#include <map>

#include "common/ascii.h"
#include "engine/cast.h"
#include "engine/column_ops.h"
#include "engine/field_path.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypePtr;

namespace {

struct ParsedMapping {
  FieldPath source;
  FieldPath target;
  TypePtr target_type;  // nullptr: keep the source's type
};

// The output tree: leaves hold columns, inner nodes are structs.
struct Target {
  std::string name;
  std::unique_ptr<Column> column;
  std::vector<Target> children;
};

Status place(Target& node, const FieldPath& path, size_t depth, std::unique_ptr<Column> column) {
  for (Target& child : node.children) {
    if (child.name != path[depth].name) continue;
    if (depth + 1 == path.size() || child.column)
      return invalid_input("ApplyMapping: target '" + path_to_string(path) + "' is mapped twice");
    return place(child, path, depth + 1, std::move(column));
  }
  node.children.push_back(Target{path[depth].name, nullptr, {}});
  Target& added = node.children.back();
  if (depth + 1 == path.size()) {
    added.column = std::move(column);
    return ok_status();
  }
  return place(added, path, depth + 1, std::move(column));
}

std::unique_ptr<Column> build(Target& node, int64_t rows) {
  if (node.column) return std::move(node.column);
  std::vector<std::string> names;
  std::vector<std::unique_ptr<Column>> children;
  for (Target& child : node.children) {
    names.push_back(child.name);
    children.push_back(build(child, rows));
  }
  Column shell(types::DataType::structure({}));
  shell.set_length(rows);
  return rebuild_struct(shell, std::move(names), std::move(children));
}

class ApplyMappingNode : public BatchTransformNode {
 public:
  ApplyMappingNode(NodePtr input, std::vector<ParsedMapping> mappings, bool case_sensitive)
      : BatchTransformNode(std::move(input)),
        mappings_(std::move(mappings)),
        case_sensitive_(case_sensitive) {}
  std::string name() const override { return "ApplyMapping"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    const int64_t n = batch->num_rows();
    Column root(batch->schema());
    root.children() = std::move(batch->columns());
    root.set_length(n);
    // Top-level sources used by one mapping are moved, not copied (the
    // usual rename-and-cast mapping of every column copies nothing).
    const auto& fields = root.type()->fields();
    std::vector<int> uses(fields.size(), 0), index(mappings_.size(), -1);
    for (size_t k = 0; k < mappings_.size(); ++k) {
      const FieldPath& src = mappings_[k].source;
      if (src.size() != 1 || src[0].array_depth) continue;
      index[k] = find_field(*root.type(), src[0].name, !case_sensitive_);
      if (index[k] >= 0) ++uses[index[k]];
    }
    Target out;
    for (size_t k = 0; k < mappings_.size(); ++k) {
      const ParsedMapping& m = mappings_[k];
      std::unique_ptr<Column> source;
      if (index[k] >= 0 && uses[index[k]] == 1) {
        source = std::move(root.children()[index[k]]);
      } else {
        source = extract_column(root, m.source, !case_sensitive_);
      }
      if (!source) continue;  // the data has no such field
      TypePtr target = m.target_type ? m.target_type : source->type();
      MORTAR_ASSIGN_OR_RETURN(auto cast, cast_column(std::move(source), target));
      MORTAR_RETURN_IF_ERROR(place(out, m.target, 0, std::move(cast)));
    }
    auto result = build(out, n);
    TypePtr schema = result->type();
    return std::make_unique<RecordBatch>(schema, std::move(result->children()), n);
  }

 private:
  std::vector<ParsedMapping> mappings_;
  bool case_sensitive_;
};

}  // namespace

StatusOr<NodePtr> make_apply_mapping(NodePtr input, const std::vector<Mapping>& mappings,
                                     bool case_sensitive, const TransformOptions&) {
  if (mappings.empty()) return invalid_input("ApplyMapping: no mappings");
  std::vector<ParsedMapping> parsed;
  std::map<std::string, bool> targets;
  for (const Mapping& m : mappings) {
    ParsedMapping p;
    MORTAR_ASSIGN_OR_RETURN(p.source, parse_path(m.source_path));
    MORTAR_ASSIGN_OR_RETURN(p.target, parse_path(m.target_path));
    for (const auto* path : {&p.source, &p.target})
      for (const PathStep& s : *path)
        if (s.array_depth)
          return invalid_input("ApplyMapping: '[]' is not supported in mapping paths");
    std::string lower_source = ascii_lower(m.source_type);
    if (!m.source_type.empty() && lower_source != "choice" &&
        lower_source.rfind("choice<", 0) != 0) {
      auto st = parse_glue_type(m.source_type);
      if (!st.ok()) return annotate(st.status(), "ApplyMapping source type");
    }
    auto tt = parse_glue_type(m.target_type);
    if (!tt.ok()) return annotate(tt.status(), "ApplyMapping target type");
    p.target_type = *tt;
    std::string key = path_to_string(p.target);
    if (targets.count(key))
      return invalid_input("ApplyMapping: target '" + key + "' is mapped twice");
    targets[key] = true;
    // A target cannot be both a field and a struct holding other targets.
    for (const ParsedMapping& other : parsed) {
      size_t common = std::min(other.target.size(), p.target.size());
      bool prefix = true;
      for (size_t i = 0; i < common && prefix; ++i)
        prefix = other.target[i].name == p.target[i].name;
      if (prefix)
        return invalid_input("ApplyMapping: targets '" + path_to_string(other.target) + "' and '" +
                             key + "' overlap");
    }
    parsed.push_back(std::move(p));
  }
  return NodePtr(
      std::make_shared<ApplyMappingNode>(std::move(input), std::move(parsed), case_sensitive));
}

}  // namespace mortar::engine
