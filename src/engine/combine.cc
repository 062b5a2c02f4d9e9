// Transforms over two frames or over all records: Union and DropDuplicates
// (remembers the keys it has seen); the key helpers of keys.h. Join is in
// join.cc.
#include <unordered_map>
#include <unordered_set>

#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/keys.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"
#include "formats/json/json_text.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

namespace {

class UnionNode : public PlanNode {
 public:
  UnionNode(NodePtr a, NodePtr b) : a_(std::move(a)), b_(std::move(b)) {}
  std::string name() const override { return "Union"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    struct Concat : BatchStream {
      std::shared_ptr<const UnionNode> node;
      ExecContext* ctx;
      std::unique_ptr<BatchStream> current;
      int which = 0;
      StatusOr<std::unique_ptr<RecordBatch>> next() override {
        for (;;) {
          if (current) {
            MORTAR_ASSIGN_OR_RETURN(auto b, current->next());
            if (b) return b;
            current.reset();
          }
          if (which == 2) return std::unique_ptr<RecordBatch>();
          MORTAR_ASSIGN_OR_RETURN(current, (which++ == 0 ? node->a_ : node->b_)->open(*ctx));
        }
      }
    };
    auto s = std::make_unique<Concat>();
    s->node = std::static_pointer_cast<const UnionNode>(shared_from_this());
    s->ctx = &ctx;
    return std::unique_ptr<BatchStream>(std::move(s));
  }

 protected:
  StatusOr<TypePtr> compute_schema() const override {
    MORTAR_ASSIGN_OR_RETURN(auto a, a_->schema());
    MORTAR_ASSIGN_OR_RETURN(auto b, b_->schema());
    return merge_types(a, b);
  }

 private:
  NodePtr a_, b_;
};

// Bytes a hash table entry costs beyond its key (node, bucket, value).
constexpr int64_t kEntryOverhead = 64;

class DropDuplicatesNode : public BatchTransformNode {
 public:
  DropDuplicatesNode(NodePtr input, std::vector<FieldPath> paths)
      : BatchTransformNode(std::move(input)), paths_(std::move(paths)) {}
  std::string name() const override { return "DropDuplicates"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    MORTAR_ASSIGN_OR_RETURN(auto in, open_conformed(*input(), ctx));
    auto seen = std::make_shared<std::unordered_set<std::string>>();
    auto paths = paths_;
    ExecContext* c = &ctx;
    return map_stream(
        std::move(in),
        [seen, paths, c](std::unique_ptr<RecordBatch> b) -> StatusOr<std::unique_ptr<RecordBatch>> {
          std::vector<std::unique_ptr<Column>> keys;
          if (paths.empty()) {
            for (int i = 0; i < b->num_columns(); ++i)
              keys.push_back(b->column(i).slice(0, b->num_rows()));
          } else {
            keys = key_columns(*b, paths);
          }
          auto out = RecordBatch::make_empty(b->schema());
          std::string k;
          for (int64_t r = 0; r < b->num_rows(); ++r) {
            k.clear();
            for (const auto& c : keys) {
              if (c) formats::json::append_json_value(k, *c, r);
              k.push_back('\x1f');
            }
            if (!seen->insert(k).second) continue;
            MORTAR_RETURN_IF_ERROR(c->memory().reserve(
                "DropDuplicates (the keys seen, held in memory)",
                static_cast<int64_t>(k.size()) + kEntryOverhead));
            for (int c = 0; c < b->num_columns(); ++c) copy_row(out->column(c), b->column(c), r);
            out->set_num_rows(out->num_rows() + 1);
          }
          return out;
        });
  }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    return batch;  // schema only: rows are dropped in open()
  }

 private:
  std::vector<FieldPath> paths_;
};

}  // namespace

bool row_key(const std::vector<std::unique_ptr<Column>>& keys, int64_t row, std::string* out) {
  out->clear();
  for (const auto& k : keys) {
    if (!k || k->is_null(row)) return false;
    formats::json::append_json_value(*out, *k, row);
    out->push_back('\x1f');
  }
  return true;
}

std::vector<std::unique_ptr<Column>> key_columns(const RecordBatch& batch,
                                                 const std::vector<FieldPath>& paths) {
  std::vector<std::unique_ptr<Column>> out;
  for (const FieldPath& p : paths) {
    int top = batch.column_index(p[0].name);
    if (top < 0) {
      out.push_back(nullptr);
      continue;
    }
    if (p.size() == 1) {
      out.push_back(batch.column(top).slice(0, batch.num_rows()));
      continue;
    }
    FieldPath rest(p.begin() + 1, p.end());
    out.push_back(extract_column(batch.column(top), rest));
  }
  return out;
}

StatusOr<std::vector<FieldPath>> parse_key_paths(const std::vector<std::string>& paths,
                                             const char* what) {
  std::vector<FieldPath> out;
  for (const auto& p : paths) {
    MORTAR_ASSIGN_OR_RETURN(FieldPath fp, parse_path(p));
    for (const PathStep& s : fp)
      if (s.array_depth)
        return invalid_input(std::string(what) + ": '[]' is not supported in keys");
    out.push_back(std::move(fp));
  }
  return out;
}

NodePtr make_union(NodePtr a, NodePtr b) {
  return std::make_shared<UnionNode>(std::move(a), std::move(b));
}

StatusOr<NodePtr> make_drop_duplicates(NodePtr input, const std::vector<std::string>& paths) {
  MORTAR_ASSIGN_OR_RETURN(auto p, parse_key_paths(paths, "DropDuplicates"));
  return NodePtr(std::make_shared<DropDuplicatesNode>(std::move(input), std::move(p)));
}

}  // namespace mortar::engine
