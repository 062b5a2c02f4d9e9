#include "engine/plan_node.h"

#include <algorithm>

#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/schema_guess.h"
#include "engine/schema_merge.h"

namespace mortar::engine {

using types::RecordBatch;

StatusOr<types::TypePtr> PlanNode::schema() const {
  const uint64_t epoch = schema_epoch();
  {
    std::lock_guard<std::mutex> lock(schema_mu_);
    if (schema_ && schema_epoch_ == epoch) return schema_;
  }
  MORTAR_ASSIGN_OR_RETURN(types::TypePtr s, compute_schema());
  std::lock_guard<std::mutex> lock(schema_mu_);
  if (!schema_ || schema_epoch_ != epoch) {
    schema_ = s;
    schema_epoch_ = epoch;
  }
  return schema_;
}

StatusOr<types::TypePtr> PlanNode::compute_schema() const {
  const uint64_t epoch = schema_epoch();
  ExecContext ctx(/*enforce_thresholds=*/false);
  MORTAR_ASSIGN_OR_RETURN(auto stream, open(ctx));
  types::TypePtr merged = types::DataType::structure({});
  auto pass = std::make_unique<FirstPass>();
  const int64_t limit = std::min(kFirstPassCacheBytes, engine_memory_limit() / 4);
  int64_t bytes = 0;
  for (;;) {
    MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
    if (!batch) break;
    merged = merge_types(merged, batch->schema());
    if (!pass) continue;
    bytes += batch_bytes(*batch);
    if (bytes > limit) {
      pass.reset();  // too big to keep: the next pass runs the node again
    } else {
      pass->batches.push_back(std::move(batch));
    }
  }
  if (pass) {
    pass->errors = ctx.stage_errors();
    std::lock_guard<std::mutex> lock(schema_mu_);
    first_pass_ = std::move(pass);
    first_pass_epoch_ = epoch;
  }
  return merged;
}

bool PlanNode::has_first_pass() const {
  std::lock_guard<std::mutex> lock(schema_mu_);
  return first_pass_ != nullptr && first_pass_epoch_ == schema_epoch();
}

std::unique_ptr<PlanNode::FirstPass> PlanNode::take_first_pass() const {
  std::lock_guard<std::mutex> lock(schema_mu_);
  if (first_pass_epoch_ != schema_epoch()) first_pass_.reset();  // conformed to a stale schema
  return std::move(first_pass_);
}

namespace {

class VectorStream : public BatchStream {
 public:
  explicit VectorStream(std::vector<std::unique_ptr<RecordBatch>> batches)
      : batches_(std::move(batches)) {}
  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    if (next_ >= batches_.size()) return std::unique_ptr<RecordBatch>();
    return std::move(batches_[next_++]);
  }

 private:
  std::vector<std::unique_ptr<RecordBatch>> batches_;
  size_t next_ = 0;
};

class MapStream : public BatchStream {
 public:
  MapStream(std::unique_ptr<BatchStream> input, BatchFn fn)
      : input_(std::move(input)), fn_(std::move(fn)) {}
  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, input_->next());
      if (!batch) return batch;
      MORTAR_ASSIGN_OR_RETURN(auto out, fn_(std::move(batch)));
      if (out) return out;
    }
  }

 private:
  std::unique_ptr<BatchStream> input_;
  BatchFn fn_;
};

}  // namespace

std::unique_ptr<BatchStream> vector_stream(std::vector<std::unique_ptr<RecordBatch>> batches) {
  return std::make_unique<VectorStream>(std::move(batches));
}

std::unique_ptr<BatchStream> map_stream(std::unique_ptr<BatchStream> input, BatchFn fn) {
  return std::make_unique<MapStream>(std::move(input), std::move(fn));
}

StatusOr<std::unique_ptr<BatchStream>> open_conformed(const PlanNode& node, ExecContext& ctx) {
  MORTAR_ASSIGN_OR_RETURN(types::TypePtr schema, node.schema());
  std::unique_ptr<BatchStream> stream;
  if (auto pass = node.take_first_pass()) {
    // The schema pass's output, replayed with its error records (which
    // count against this execution's thresholds as if produced now).
    for (auto& e : pass->errors)
      MORTAR_RETURN_IF_ERROR(ctx.add_error(e.stage_key, e.options, std::move(e.record)));
    stream = vector_stream(std::move(pass->batches));
  } else {
    MORTAR_ASSIGN_OR_RETURN(stream, node.open(ctx));
  }
  return map_stream(std::move(stream), [schema](std::unique_ptr<RecordBatch> b) {
    return conform_batch(std::move(b), schema);
  });
}

StatusOr<std::unique_ptr<BatchStream>> BatchTransformNode::open(ExecContext& ctx) const {
  MORTAR_ASSIGN_OR_RETURN(auto in, open_conformed(*input_, ctx));
  ExecContext* c = &ctx;
  // The stream keeps the node alive: a frame may be dropped while its stream runs.
  auto self = std::static_pointer_cast<const BatchTransformNode>(shared_from_this());
  return map_stream(std::move(in), [self, c](std::unique_ptr<RecordBatch> b) {
    return self->transform(std::move(b), *c);
  });
}

StatusOr<types::TypePtr> BatchTransformNode::compute_schema() const {
  MORTAR_ASSIGN_OR_RETURN(types::TypePtr in, input_->schema());
  ExecContext ctx(/*enforce_thresholds=*/false);
  MORTAR_ASSIGN_OR_RETURN(auto out, transform(RecordBatch::make_empty(in), ctx));
  if (!out) return in;
  return out->schema();
}

}  // namespace mortar::engine
