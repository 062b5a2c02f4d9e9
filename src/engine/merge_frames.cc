// mergeDynamicFrame: source records whose primary keys appear in the staging
// frame are replaced by the staging records; the rest are kept (duplicates
// too). The staging frame's keys are held in memory.
#include <unordered_set>

#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"
#include "formats/json/json_text.h"

namespace mortar::engine {

using types::Column;
using types::RecordBatch;
using types::TypePtr;

namespace {

// Key text of a row; false when a key is null or missing.
bool key_of(const RecordBatch& b, const std::vector<FieldPath>& keys, int64_t row,
            std::string* out) {
  out->clear();
  for (const FieldPath& k : keys) {
    int top = b.column_index(k[0].name);
    if (top < 0) return false;
    const Column* c = &b.column(top);
    if (c->is_null(row)) return false;
    for (size_t i = 1; i < k.size(); ++i) {
      if (c->type()->kind() != types::TypeKind::kStruct) return false;
      int f = c->type()->field_index(k[i].name);
      if (f < 0) return false;
      c = &c->child(f);
      if (c->is_null(row)) return false;
    }
    formats::json::append_json_value(*out, *c, row);
    out->push_back('\x1f');
  }
  return true;
}

class MergeNode : public PlanNode {
 public:
  MergeNode(NodePtr source, NodePtr staging, std::vector<FieldPath> keys)
      : source_(std::move(source)), staging_(std::move(staging)), keys_(std::move(keys)) {}
  std::string name() const override { return "MergeDynamicFrame"; }

  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    auto staged = std::make_shared<std::unordered_set<std::string>>();
    {
      MORTAR_ASSIGN_OR_RETURN(auto s, open_conformed(*staging_, ctx));
      std::string k;
      for (;;) {
        MORTAR_ASSIGN_OR_RETURN(auto b, s->next());
        if (!b) break;
        int64_t bytes = 0;
        for (int64_t r = 0; r < b->num_rows(); ++r)
          if (key_of(*b, keys_, r, &k) && staged->insert(k).second)
            bytes += static_cast<int64_t>(k.size()) + 64;  // + hash node
        MORTAR_RETURN_IF_ERROR(ctx.memory().reserve(
            "mergeDynamicFrame (the staging frame's keys, held in memory)", bytes));
      }
    }
    MORTAR_ASSIGN_OR_RETURN(auto src, open_conformed(*source_, ctx));
    auto keys = keys_;
    auto kept = map_stream(
        std::move(src),
        [staged, keys](std::unique_ptr<RecordBatch> b) -> StatusOr<std::unique_ptr<RecordBatch>> {
          auto out = RecordBatch::make_empty(b->schema());
          std::string k;
          for (int64_t r = 0; r < b->num_rows(); ++r) {
            if (key_of(*b, keys, r, &k) && staged->count(k)) continue;
            for (int c = 0; c < b->num_columns(); ++c) copy_row(out->column(c), b->column(c), r);
            out->set_num_rows(out->num_rows() + 1);
          }
          return out;
        });
    // Then every staging record.
    struct Concat : BatchStream {
      std::unique_ptr<BatchStream> first;
      NodePtr staging;
      ExecContext* ctx;
      std::unique_ptr<BatchStream> second;
      StatusOr<std::unique_ptr<RecordBatch>> next() override {
        if (first) {
          MORTAR_ASSIGN_OR_RETURN(auto b, first->next());
          if (b) return b;
          first.reset();
          MORTAR_ASSIGN_OR_RETURN(second, staging->open(*ctx));
        }
        return second->next();
      }
    };
    auto s = std::make_unique<Concat>();
    s->first = std::move(kept);
    s->staging = staging_;
    s->ctx = &ctx;
    return std::unique_ptr<BatchStream>(std::move(s));
  }

 protected:
  StatusOr<TypePtr> compute_schema() const override {
    MORTAR_ASSIGN_OR_RETURN(auto a, source_->schema());
    MORTAR_ASSIGN_OR_RETURN(auto b, staging_->schema());
    return merge_types(a, b);
  }

 private:
  NodePtr source_, staging_;
  std::vector<FieldPath> keys_;
};

}  // namespace

StatusOr<NodePtr> make_merge_frames(NodePtr source, NodePtr staging,
                                    const std::vector<std::string>& primary_keys) {
  if (primary_keys.empty()) return invalid_input("mergeDynamicFrame: no primary keys");
  std::vector<FieldPath> keys;
  for (const auto& k : primary_keys) {
    MORTAR_ASSIGN_OR_RETURN(FieldPath p, parse_path(k));
    for (const PathStep& s : p)
      if (s.array_depth) return invalid_input("mergeDynamicFrame: '[]' is not supported in keys");
    keys.push_back(std::move(p));
  }
  return NodePtr(
      std::make_shared<MergeNode>(std::move(source), std::move(staging), std::move(keys)));
}

}  // namespace mortar::engine
