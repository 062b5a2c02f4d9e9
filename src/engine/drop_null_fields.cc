// DropNullFields: drops every field (nested struct fields too) that is null
// in every record, as Glue drops fields whose type is NullType. Knowing that
// takes one pass over the input before the records flow (its batches are
// kept for the records when they fit the first-pass cache; a typed file
// sink avoids the pass altogether, see file_sink.cc).
#include <algorithm>
#include <map>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/null_fields.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypeKind;

namespace {

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

}  // namespace

void NullFieldTracker::mark_column(const Column& c, Seen& seen) {
  if (c.type()->kind() != TypeKind::kNull && c.null_count() < c.length()) seen.any = true;
  if (c.type()->kind() != TypeKind::kStruct) return;
  const auto& fields = c.type()->fields();
  for (size_t i = 0; i < fields.size(); ++i) mark_column(c.child(i), seen.fields[fields[i].name]);
}

void NullFieldTracker::mark(const RecordBatch& batch) {
  root_.any = true;
  const auto& fields = batch.schema()->fields();
  for (int i = 0; i < batch.num_columns(); ++i)
    mark_column(batch.column(i), root_.fields[fields[i].name]);
}

void NullFieldTracker::collect(const types::DataType& t, const Seen& seen, FieldPath& prefix,
                               std::vector<FieldPath>& out) {
  for (const auto& f : t.fields()) {
    auto it = seen.fields.find(f.name);
    prefix.push_back({f.name, 0});
    if (it == seen.fields.end() || !it->second.any) {
      out.push_back(prefix);
    } else if (f.type->kind() == TypeKind::kStruct) {
      collect(*f.type, it->second, prefix, out);
    }
    prefix.pop_back();
  }
}

std::vector<FieldPath> NullFieldTracker::null_paths(const types::DataType& schema) const {
  std::vector<FieldPath> out;
  FieldPath prefix;
  collect(schema, root_, prefix, out);
  return out;
}

StatusOr<std::unique_ptr<RecordBatch>> drop_field_paths(std::unique_ptr<RecordBatch> batch,
                                                        const std::vector<FieldPath>& paths) {
  if (paths.empty()) return batch;
  auto root = batch_to_struct(std::move(batch));
  for (const FieldPath& p : paths) {
    MORTAR_ASSIGN_OR_RETURN(root, drop_path(std::move(root), p));
  }
  return struct_to_batch(std::move(root));
}

namespace {

class DropNullFieldsNode : public PlanNode {
 public:
  explicit DropNullFieldsNode(NodePtr input) : input_(std::move(input)) {}
  std::string name() const override { return "DropNullFields"; }
  const NodePtr& input() const { return input_; }

  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    MORTAR_ASSIGN_OR_RETURN(auto paths, null_field_paths());
    std::unique_ptr<BatchStream> in;
    std::unique_ptr<FirstPass> pass;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pass = std::move(pass_);
    }
    if (pass) {  // the null pass's batches, once, with its error records
      for (auto& e : pass->errors)
        MORTAR_RETURN_IF_ERROR(ctx.add_error(e.stage_key, e.options, std::move(e.record)));
      in = vector_stream(std::move(pass->batches));
    } else {
      MORTAR_ASSIGN_OR_RETURN(in, open_conformed(*input_, ctx));
    }
    return map_stream(std::move(in), [paths](std::unique_ptr<RecordBatch> b) {
      return drop_field_paths(std::move(b), paths);
    });
  }

 protected:
  StatusOr<types::TypePtr> compute_schema() const override {
    MORTAR_ASSIGN_OR_RETURN(auto in, input_->schema());
    MORTAR_ASSIGN_OR_RETURN(auto paths, null_field_paths());
    MORTAR_ASSIGN_OR_RETURN(auto empty, drop_field_paths(RecordBatch::make_empty(in), paths));
    return empty->schema();
  }

 private:
  // One pass over the input (cached: the node is immutable).
  StatusOr<std::vector<FieldPath>> null_field_paths() const {
    std::lock_guard<std::mutex> lock(mu_);
    if (paths_) return *paths_;
    MORTAR_ASSIGN_OR_RETURN(auto schema, input_->schema());
    ExecContext ctx(/*enforce_thresholds=*/false);
    MORTAR_ASSIGN_OR_RETURN(auto stream, open_conformed(*input_, ctx));
    NullFieldTracker tracker;
    // The input's batches are kept (as a node's first pass is, plan_node.h)
    // when small enough, so the records that follow are not read again.
    auto pass = std::make_unique<FirstPass>();
    const int64_t limit = std::min(kFirstPassCacheBytes, engine_memory_limit() / 4);
    int64_t bytes = 0;
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
      if (!batch) break;
      tracker.mark(*batch);
      if (!pass) continue;
      bytes += batch_bytes(*batch);
      if (bytes > limit) {
        pass.reset();
      } else {
        pass->batches.push_back(std::move(batch));
      }
    }
    if (pass) pass->errors = ctx.stage_errors();
    pass_ = std::move(pass);
    paths_ = tracker.null_paths(*schema);
    return *paths_;
  }

  NodePtr input_;
  mutable std::mutex mu_;
  mutable std::optional<std::vector<FieldPath>> paths_ ABSL_GUARDED_BY(mu_);
  mutable std::unique_ptr<FirstPass> pass_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

NodePtr drop_null_fields_input(const PlanNode& node) {
  auto* d = dynamic_cast<const DropNullFieldsNode*>(&node);
  return d ? d->input() : nullptr;
}

NodePtr make_drop_null_fields(NodePtr input) {
  return std::make_shared<DropNullFieldsNode>(std::move(input));
}

}  // namespace mortar::engine
