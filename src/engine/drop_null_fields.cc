// DropNullFields: drops every field (nested struct fields too) that is null
// in every record, as Glue drops fields whose type is NullType. Knowing that
// takes one pass over the input before the records flow.
#include <map>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;

namespace {

struct Seen {
  bool any = false;
  std::map<std::string, Seen> fields;
};

void mark(const Column& c, Seen& seen) {
  if (c.type()->kind() != TypeKind::kNull && c.null_count() < c.length()) seen.any = true;
  if (c.type()->kind() != TypeKind::kStruct) return;
  const auto& fields = c.type()->fields();
  for (size_t i = 0; i < fields.size(); ++i) mark(c.child(i), seen.fields[fields[i].name]);
}

void null_paths(const types::DataType& t, const Seen& seen, FieldPath& prefix,
                std::vector<FieldPath>& out) {
  for (const auto& f : t.fields()) {
    auto it = seen.fields.find(f.name);
    prefix.push_back({f.name, 0});
    if (it == seen.fields.end() || !it->second.any) {
      out.push_back(prefix);
    } else if (f.type->kind() == TypeKind::kStruct) {
      null_paths(*f.type, it->second, prefix, out);
    }
    prefix.pop_back();
  }
}

StatusOr<std::unique_ptr<Column>> drop_path(std::unique_ptr<Column> root, const FieldPath& path) {
  return rewrite_parent(std::move(root), path,
                        [](std::unique_ptr<Column> parent,
                           const PathStep& last) -> StatusOr<std::unique_ptr<Column>> {
                          std::vector<std::string> names;
                          std::vector<std::unique_ptr<Column>> children;
                          const auto& fields = parent->type()->fields();
                          for (size_t k = 0; k < fields.size(); ++k) {
                            if (fields[k].name == last.name) continue;
                            names.push_back(fields[k].name);
                            children.push_back(std::move(parent->children()[k]));
                          }
                          return rebuild_struct(*parent, std::move(names), std::move(children));
                        });
}

class DropNullFieldsNode : public PlanNode {
 public:
  explicit DropNullFieldsNode(NodePtr input) : input_(std::move(input)) {}
  std::string name() const override { return "DropNullFields"; }

  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    MORTAR_ASSIGN_OR_RETURN(auto paths, null_field_paths());
    MORTAR_ASSIGN_OR_RETURN(auto in, open_conformed(*input_, ctx));
    return map_stream(
        std::move(in),
        [paths](std::unique_ptr<RecordBatch> b) -> StatusOr<std::unique_ptr<RecordBatch>> {
          auto root = batch_to_struct(std::move(b));
          for (const FieldPath& p : paths) {
            MORTAR_ASSIGN_OR_RETURN(root, drop_path(std::move(root), p));
          }
          return struct_to_batch(std::move(root));
        });
  }

 protected:
  StatusOr<types::TypePtr> compute_schema() const override {
    MORTAR_ASSIGN_OR_RETURN(auto in, input_->schema());
    MORTAR_ASSIGN_OR_RETURN(auto paths, null_field_paths());
    auto root = batch_to_struct(RecordBatch::make_empty(in));
    for (const FieldPath& p : paths) {
      MORTAR_ASSIGN_OR_RETURN(root, drop_path(std::move(root), p));
    }
    return root->type();
  }

 private:
  // One pass over the input (cached: the node is immutable).
  StatusOr<std::vector<FieldPath>> null_field_paths() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (paths_) return *paths_;
    MORTAR_ASSIGN_OR_RETURN(auto schema, input_->schema());
    ExecContext ctx(/*enforce_thresholds=*/false);
    MORTAR_ASSIGN_OR_RETURN(auto stream, open_conformed(*input_, ctx));
    Seen seen;
    seen.any = true;
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
      if (!batch) break;
      for (int i = 0; i < batch->num_columns(); ++i)
        mark(batch->column(i), seen.fields[batch->schema()->fields()[i].name]);
    }
    std::vector<FieldPath> out;
    FieldPath prefix;
    null_paths(*schema, seen, prefix, out);
    paths_ = out;
    return out;
  }

  NodePtr input_;
  mutable std::mutex mu_;
  mutable std::optional<std::vector<FieldPath>> paths_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

NodePtr make_drop_null_fields(NodePtr input) {
  return std::make_shared<DropNullFieldsNode>(std::move(input));
}

}  // namespace mortar::engine
