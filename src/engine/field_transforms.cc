// SelectFields, DropFields and RenameField: reshaping by path, on column
// buffers (no per-value work except where a nested field moves).
#include <map>

#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;

namespace {

// Which fields SelectFields keeps: a leaf keeps the whole field.
struct KeepTree {
  bool whole = false;
  std::map<std::string, KeepTree> children;
};

std::unique_ptr<Column> select(std::unique_ptr<Column> s, const KeepTree& keep) {
  std::vector<std::string> names;
  std::vector<std::unique_ptr<Column>> children;
  const auto& fields = s->type()->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    auto it = keep.children.find(fields[i].name);
    if (it == keep.children.end()) continue;
    std::unique_ptr<Column> child = std::move(s->children()[i]);
    if (!it->second.whole) {
      if (child->type()->kind() != TypeKind::kStruct) continue;
      child = select(std::move(child), it->second);
      if (child->type()->fields().empty()) continue;
    }
    names.push_back(fields[i].name);
    children.push_back(std::move(child));
  }
  return rebuild_struct(*s, std::move(names), std::move(children));
}

class SelectFieldsNode : public BatchTransformNode {
 public:
  SelectFieldsNode(NodePtr input, KeepTree keep)
      : BatchTransformNode(std::move(input)), keep_(std::move(keep)) {}
  std::string name() const override { return "SelectFields"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    return struct_to_batch(select(batch_to_struct(std::move(batch)), keep_));
  }

 private:
  KeepTree keep_;
};

StatusOr<std::unique_ptr<Column>> drop(std::unique_ptr<Column> root, const FieldPath& path) {
  return rewrite_parent(std::move(root), path,
                        [](std::unique_ptr<Column> parent,
                           const PathStep& last) -> StatusOr<std::unique_ptr<Column>> {
                          int i = parent->type()->field_index(last.name);
                          if (i < 0 || last.array_depth > 0) return parent;
                          std::vector<std::string> names;
                          std::vector<std::unique_ptr<Column>> children;
                          const auto& fields = parent->type()->fields();
                          for (size_t k = 0; k < fields.size(); ++k) {
                            if (static_cast<int>(k) == i) continue;
                            names.push_back(fields[k].name);
                            children.push_back(std::move(parent->children()[k]));
                          }
                          return rebuild_struct(*parent, std::move(names), std::move(children));
                        });
}

class DropFieldsNode : public BatchTransformNode {
 public:
  DropFieldsNode(NodePtr input, std::vector<FieldPath> paths)
      : BatchTransformNode(std::move(input)), paths_(std::move(paths)) {}
  std::string name() const override { return "DropFields"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    auto root = batch_to_struct(std::move(batch));
    for (const FieldPath& p : paths_) {
      MORTAR_ASSIGN_OR_RETURN(root, drop(std::move(root), p));
    }
    return struct_to_batch(std::move(root));
  }

 private:
  std::vector<FieldPath> paths_;
};

bool same_parent(const FieldPath& a, const FieldPath& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i + 1 < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].array_depth != b[i].array_depth) return false;
  return a.back().array_depth == 0 && b.back().array_depth == 0;
}

class RenameFieldNode : public BatchTransformNode {
 public:
  RenameFieldNode(NodePtr input, FieldPath from, FieldPath to)
      : BatchTransformNode(std::move(input)), from_(std::move(from)), to_(std::move(to)) {}
  std::string name() const override { return "RenameField"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    auto root = batch_to_struct(std::move(batch));
    if (same_parent(from_, to_)) {  // rename in place, keeping the field's position
      const std::string new_name = to_.back().name;
      MORTAR_ASSIGN_OR_RETURN(
          root,
          rewrite_parent(std::move(root), from_,
                         [&](std::unique_ptr<Column> parent,
                             const PathStep& last) -> StatusOr<std::unique_ptr<Column>> {
                           int i = parent->type()->field_index(last.name);
                           if (i < 0) return parent;
                           if (new_name != last.name && parent->type()->field_index(new_name) >= 0)
                             return already_exists("RenameField: '" + path_to_string(to_) +
                                                   "' already exists");
                           std::vector<std::string> names;
                           for (const auto& f : parent->type()->fields()) names.push_back(f.name);
                           names[i] = new_name;
                           return rebuild_struct(*parent, std::move(names),
                                                 std::move(parent->children()));
                         }));
      return struct_to_batch(std::move(root));
    }
    auto column = extract_column(*root, from_);
    if (!column) return struct_to_batch(std::move(root));  // nothing to rename
    MORTAR_ASSIGN_OR_RETURN(root, drop(std::move(root), from_));
    MORTAR_ASSIGN_OR_RETURN(root, insert_column(std::move(root), to_, std::move(column)));
    return struct_to_batch(std::move(root));
  }

 private:
  FieldPath from_, to_;
};

}  // namespace

StatusOr<NodePtr> make_select_fields(NodePtr input, const std::vector<std::string>& paths) {
  if (paths.empty()) return invalid_input("SelectFields: no paths");
  KeepTree keep;
  for (const std::string& p : paths) {
    MORTAR_ASSIGN_OR_RETURN(FieldPath path, parse_path(p));
    KeepTree* node = &keep;
    for (const PathStep& s : path) {
      if (s.array_depth) return invalid_input("SelectFields: '[]' is not supported ('" + p + "')");
      node = &node->children[s.name];
    }
    node->whole = true;
  }
  return NodePtr(std::make_shared<SelectFieldsNode>(std::move(input), std::move(keep)));
}

StatusOr<NodePtr> make_drop_fields(NodePtr input, const std::vector<std::string>& paths) {
  std::vector<FieldPath> parsed;
  for (const std::string& p : paths) {
    MORTAR_ASSIGN_OR_RETURN(FieldPath path, parse_path(p));
    parsed.push_back(std::move(path));
  }
  return NodePtr(std::make_shared<DropFieldsNode>(std::move(input), std::move(parsed)));
}

StatusOr<NodePtr> make_rename_field(NodePtr input, const std::string& old_path,
                                    const std::string& new_path) {
  MORTAR_ASSIGN_OR_RETURN(FieldPath from, parse_path(old_path));
  MORTAR_ASSIGN_OR_RETURN(FieldPath to, parse_path(new_path));
  if (!same_parent(from, to)) {  // a move: struct paths only
    for (const auto* path : {&from, &to})
      for (const PathStep& s : *path)
        if (s.array_depth)
          return invalid_input(
              "RenameField: moving a field into or out of an array is not supported");
  }
  return NodePtr(
      std::make_shared<RenameFieldNode>(std::move(input), std::move(from), std::move(to)));
}

}  // namespace mortar::engine
