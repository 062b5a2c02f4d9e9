// Join: an inner equi-join. The right frame is the build side, held in
// memory as a hash table while the left one streams through it. When the
// build side passes the memory budget, the join turns into a grace hash
// join: both sides are split by key hash into kPartitions spill files
// (spill.h) and joined one partition pair at a time, so it needs about
// 1/kPartitions of the right side in memory. A partition that still does not
// fit fails with the budget's message. Output order then follows the
// partitions (Glue promises no order either).
#include <unordered_map>

#include "engine/column_ops.h"
#include "engine/keys.h"
#include "engine/spill.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypePtr;

namespace {

constexpr int kPartitions = 16;
constexpr int64_t kEntryOverhead = 64;  // a hash node beyond its key

// The build side: batches and an index from key text to (batch, row).
struct Build {
  std::vector<std::unique_ptr<RecordBatch>> batches;
  std::unordered_multimap<std::string, std::pair<size_t, int64_t>> index;

  // Adds a batch; returns the bytes it holds now.
  int64_t add(std::unique_ptr<RecordBatch> b, const std::vector<FieldPath>& keys) {
    auto cols = key_columns(*b, keys);
    int64_t bytes = batch_bytes(*b);
    std::string key;
    for (int64_t r = 0; r < b->num_rows(); ++r) {
      if (!row_key(cols, r, &key)) continue;
      index.emplace(key, std::make_pair(batches.size(), r));
      bytes += static_cast<int64_t>(key.size()) + kEntryOverhead;
    }
    batches.push_back(std::move(b));
    return bytes;
  }
};

// The joined rows of one left batch.
std::unique_ptr<RecordBatch> probe(const Build& build, const RecordBatch& b,
                                   const std::vector<FieldPath>& keys1, const TypePtr& schema) {
  auto out = RecordBatch::make_empty(schema);
  const size_t left_columns = static_cast<size_t>(b.num_columns());
  auto keys = key_columns(b, keys1);
  std::string k;
  for (int64_t r = 0; r < b.num_rows(); ++r) {
    if (!row_key(keys, r, &k)) continue;
    auto [begin, end] = build.index.equal_range(k);
    for (auto it = begin; it != end; ++it) {
      const RecordBatch& rb = *build.batches[it->second.first];
      for (size_t c = 0; c < left_columns; ++c)
        copy_row(out->column(static_cast<int>(c)), b.column(static_cast<int>(c)), r);
      for (int c = 0; c < rb.num_columns(); ++c)
        copy_row(out->column(static_cast<int>(left_columns) + c), rb.column(c), it->second.second);
      out->set_num_rows(out->num_rows() + 1);
    }
  }
  return out;
}

using Partitions = std::vector<std::unique_ptr<SpillFile>>;

StatusOr<Partitions> make_partitions() {
  Partitions parts;
  for (int p = 0; p < kPartitions; ++p) {
    MORTAR_ASSIGN_OR_RETURN(auto f, SpillFile::create());
    parts.push_back(std::move(f));
  }
  return parts;
}

// Appends the batch's rows to the partition of their key's hash (rows with
// a null key can never join and are dropped).
Status scatter(const RecordBatch& b, const std::vector<FieldPath>& keys, Partitions& parts) {
  auto cols = key_columns(b, keys);
  std::vector<std::vector<int64_t>> rows(kPartitions);
  std::string key;
  for (int64_t r = 0; r < b.num_rows(); ++r)
    if (row_key(cols, r, &key)) rows[std::hash<std::string>()(key) % kPartitions].push_back(r);
  for (int p = 0; p < kPartitions; ++p) {
    if (rows[p].empty()) continue;
    std::vector<std::unique_ptr<Column>> columns;
    for (int c = 0; c < b.num_columns(); ++c)
      columns.push_back(take_rows(b.column(c), rows[p].data(), static_cast<int64_t>(rows[p].size())));
    RecordBatch part(b.schema(), std::move(columns), static_cast<int64_t>(rows[p].size()));
    MORTAR_RETURN_IF_ERROR(parts[p]->append(part));
  }
  return ok_status();
}

// Joins the spilled partitions pair by pair.
class GraceStream : public BatchStream {
 public:
  GraceStream(Partitions left, Partitions right, TypePtr left_schema, TypePtr right_schema,
              std::vector<FieldPath> keys1, std::vector<FieldPath> keys2, TypePtr schema,
              ExecContext& ctx)
      : left_(std::move(left)),
        right_(std::move(right)),
        left_schema_(std::move(left_schema)),
        right_schema_(std::move(right_schema)),
        keys1_(std::move(keys1)),
        keys2_(std::move(keys2)),
        schema_(std::move(schema)),
        ctx_(ctx) {}
  ~GraceStream() override { ctx_.memory().release(held_); }

  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    for (;;) {
      if (probe_) {
        MORTAR_ASSIGN_OR_RETURN(auto b, probe_->next());
        if (b) {
          auto out = probe(*build_, *b, keys1_, schema_);
          if (out->num_rows() > 0) return out;
          continue;
        }
        probe_.reset();
        build_.reset();
        ctx_.memory().release(held_);
        held_ = 0;
        left_[partition_].reset();  // removes its file
        right_[partition_].reset();
        ++partition_;
      }
      if (partition_ >= kPartitions) return std::unique_ptr<RecordBatch>();
      build_ = std::make_unique<Build>();
      MORTAR_ASSIGN_OR_RETURN(auto rs, right_[partition_]->read(right_schema_));
      int64_t bytes = 0;
      for (;;) {
        MORTAR_ASSIGN_OR_RETURN(auto b, rs->next());
        if (!b) break;
        bytes += build_->add(std::move(b), keys2_);
      }
      held_ = bytes;
      MORTAR_RETURN_IF_ERROR(ctx_.memory().reserve(
          "Join (its right frame, even split into " + std::to_string(kPartitions) +
              " spilled partitions)",
          bytes));
      MORTAR_ASSIGN_OR_RETURN(probe_, left_[partition_]->read(left_schema_));
    }
  }

 private:
  Partitions left_, right_;
  TypePtr left_schema_, right_schema_;
  std::vector<FieldPath> keys1_, keys2_;
  TypePtr schema_;
  ExecContext& ctx_;
  int partition_ = 0;
  std::unique_ptr<Build> build_;
  std::unique_ptr<BatchStream> probe_;
  int64_t held_ = 0;
};

class JoinNode : public PlanNode {
 public:
  JoinNode(NodePtr left, std::vector<FieldPath> keys1, NodePtr right, std::vector<FieldPath> keys2)
      : left_(std::move(left)),
        right_(std::move(right)),
        keys1_(std::move(keys1)),
        keys2_(std::move(keys2)) {}
  std::string name() const override { return "Join"; }

  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    MORTAR_ASSIGN_OR_RETURN(TypePtr schema, this->schema());
    MORTAR_ASSIGN_OR_RETURN(TypePtr left_schema, left_->schema());
    MORTAR_ASSIGN_OR_RETURN(TypePtr right_schema, right_->schema());
    auto build = std::make_shared<Build>();
    int64_t held = 0;
    Partitions right_parts;  // non-empty once the build side spills
    MORTAR_ASSIGN_OR_RETURN(auto rs, open_conformed(*right_, ctx));
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto b, rs->next());
      if (!b) break;
      if (!right_parts.empty()) {
        MORTAR_RETURN_IF_ERROR(scatter(*b, keys2_, right_parts));
        continue;
      }
      int64_t bytes = build->add(std::move(b), keys2_);
      if (ctx.memory().try_reserve(bytes)) {
        held += bytes;
        continue;
      }
      // Past the budget: spill what is held and everything still to come.
      MORTAR_ASSIGN_OR_RETURN(right_parts, make_partitions());
      for (const auto& held_batch : build->batches)
        MORTAR_RETURN_IF_ERROR(scatter(*held_batch, keys2_, right_parts));
      ctx.memory().release(held);
      held = 0;
      build = std::make_shared<Build>();
    }
    MORTAR_ASSIGN_OR_RETURN(auto ls, open_conformed(*left_, ctx));
    if (right_parts.empty()) {
      auto keys1 = keys1_;
      return map_stream(std::move(ls), [=](std::unique_ptr<RecordBatch> b) {
        return StatusOr<std::unique_ptr<RecordBatch>>(probe(*build, *b, keys1, schema));
      });
    }
    MORTAR_ASSIGN_OR_RETURN(auto left_parts, make_partitions());
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto b, ls->next());
      if (!b) break;
      MORTAR_RETURN_IF_ERROR(scatter(*b, keys1_, left_parts));
    }
    return std::unique_ptr<BatchStream>(
        new GraceStream(std::move(left_parts), std::move(right_parts), left_schema, right_schema,
                        keys1_, keys2_, schema, ctx));
  }

 protected:
  StatusOr<TypePtr> compute_schema() const override {
    MORTAR_ASSIGN_OR_RETURN(auto l, left_->schema());
    MORTAR_ASSIGN_OR_RETURN(auto r, right_->schema());
    std::vector<types::Field> fields = l->fields();
    for (types::Field f : r->fields()) {
      while (l->field_index(f.name) >= 0) f.name = "." + f.name;
      fields.push_back(f);
    }
    return DataType::structure(std::move(fields));
  }

 private:
  NodePtr left_, right_;
  std::vector<FieldPath> keys1_, keys2_;
};

}  // namespace

StatusOr<NodePtr> make_join(NodePtr left, const std::vector<std::string>& keys1, NodePtr right,
                            const std::vector<std::string>& keys2, const TransformOptions&) {
  if (keys1.empty() || keys1.size() != keys2.size())
    return invalid_input("Join: keys1 and keys2 must be non-empty and of equal length");
  MORTAR_ASSIGN_OR_RETURN(auto k1, parse_key_paths(keys1, "Join"));
  MORTAR_ASSIGN_OR_RETURN(auto k2, parse_key_paths(keys2, "Join"));
  return NodePtr(
      std::make_shared<JoinNode>(std::move(left), std::move(k1), std::move(right), std::move(k2)));
}

}  // namespace mortar::engine
