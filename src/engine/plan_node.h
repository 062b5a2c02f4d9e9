// The lazy plan behind a DynamicFrame: immutable nodes shared between frames
// (shared_ptr), each opening a pull-based stream of RecordBatches. Nothing
// runs until an action (count, to_rows, a sink) opens the last node.
//
// A node's batches may each carry their own schema (files differ, a Map
// callback adds fields); schema() is the merge of them all, and
// open_conformed() yields every batch reshaped to it. Schemas are computed on
// demand and cached (until the schema epoch moves: schema_guess.h); nodes
// whose schema follows from their input's override compute_schema(), others
// fall back to one pass over the data.
// Thread-safe: nodes are immutable apart from the schema cache; a stream
// belongs to one thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/status.h"
#include "engine/exec_context.h"
#include "types/column.h"

namespace mortar::engine {

class BatchStream {
 public:
  virtual ~BatchStream() = default;
  // The next batch, or nullptr at the end.
  virtual StatusOr<std::unique_ptr<types::RecordBatch>> next() = 0;
};

class PlanNode : public std::enable_shared_from_this<PlanNode> {
 public:
  virtual ~PlanNode() = default;
  // The transform's name for messages ("ApplyMapping").
  virtual std::string name() const = 0;
  virtual StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const = 0;
  // True when only a pass over the data reveals the output schema (the
  // records a callback returns: Map, Unbox); sinks then let it grow.
  virtual bool schema_from_data() const { return false; }
  // The merged schema of the node's batches (a struct type); cached.
  StatusOr<types::TypePtr> schema() const;

  // The batches and error records of the data pass that computed the
  // schema (default compute_schema), when they fitted kFirstPassCacheBytes
  // (and a quarter of the memory budget): handed out once, so the pass that
  // follows (open_conformed) does not run the node again, e.g. Map
  // callbacks. nullptr when there is none.
  struct FirstPass {
    std::vector<std::unique_ptr<types::RecordBatch>> batches;
    std::vector<ExecContext::StageError> errors;
  };
  static constexpr int64_t kFirstPassCacheBytes = int64_t{256} << 20;
  std::unique_ptr<FirstPass> take_first_pass() const;
  bool has_first_pass() const;

 protected:
  // Default: merge the schemas of every batch (one pass, errors set aside
  // with the batches as the FirstPass).
  virtual StatusOr<types::TypePtr> compute_schema() const;

 private:
  mutable std::mutex schema_mu_;
  mutable types::TypePtr schema_ ABSL_GUARDED_BY(schema_mu_);
  mutable uint64_t schema_epoch_ ABSL_GUARDED_BY(schema_mu_) = 0;
  mutable std::unique_ptr<FirstPass> first_pass_ ABSL_GUARDED_BY(schema_mu_);
  mutable uint64_t first_pass_epoch_ ABSL_GUARDED_BY(schema_mu_) = 0;
};

using NodePtr = std::shared_ptr<const PlanNode>;

// The node's batches, each conformed to node.schema().
StatusOr<std::unique_ptr<BatchStream>> open_conformed(const PlanNode& node, ExecContext& ctx);

// A stream over batches held in memory (copied out as they are pulled).
std::unique_ptr<BatchStream> vector_stream(
    std::vector<std::unique_ptr<types::RecordBatch>> batches);

// Applies `fn` to each batch of `input`; fn may return nullptr to drop a batch.
using BatchFn = std::function<StatusOr<std::unique_ptr<types::RecordBatch>>(
    std::unique_ptr<types::RecordBatch>)>;
std::unique_ptr<BatchStream> map_stream(std::unique_ptr<BatchStream> input, BatchFn fn);

// A node that rewrites each conformed input batch independently. Its schema
// is the rewrite of an empty batch of the input schema, so no data is read.
class BatchTransformNode : public PlanNode {
 public:
  explicit BatchTransformNode(NodePtr input) : input_(std::move(input)) {}
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override;
  const NodePtr& input() const { return input_; }

 protected:
  virtual StatusOr<std::unique_ptr<types::RecordBatch>> transform(
      std::unique_ptr<types::RecordBatch> batch, ExecContext& ctx) const = 0;
  StatusOr<types::TypePtr> compute_schema() const override;

 private:
  NodePtr input_;
};

}  // namespace mortar::engine
