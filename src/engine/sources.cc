// Plan leaves besides files: batches held in memory, and the error records
// of another plan (errors_as_frame).
#include "engine/schema_merge.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::DataType;
using types::RecordBatch;
using types::TypePtr;

namespace {

class MemorySourceNode : public PlanNode {
 public:
  explicit MemorySourceNode(std::vector<std::shared_ptr<const RecordBatch>> batches)
      : batches_(std::move(batches)) {}
  std::string name() const override { return "MemorySource"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext&) const override {
    auto self = std::static_pointer_cast<const MemorySourceNode>(shared_from_this());
    // Copies each batch as it is pulled: downstream steps own what they get.
    struct Stream : BatchStream {
      std::shared_ptr<const MemorySourceNode> node;
      size_t next_index = 0;
      StatusOr<std::unique_ptr<RecordBatch>> next() override {
        if (next_index >= node->batches_.size()) return std::unique_ptr<RecordBatch>();
        const RecordBatch& b = *node->batches_[next_index++];
        return b.slice(0, b.num_rows());
      }
    };
    auto s = std::make_unique<Stream>();
    s->node = self;
    return std::unique_ptr<BatchStream>(std::move(s));
  }

 protected:
  StatusOr<TypePtr> compute_schema() const override {
    TypePtr merged = DataType::structure({});
    for (const auto& b : batches_) merged = merge_types(merged, b->schema());
    return merged;
  }

 private:
  std::vector<std::shared_ptr<const RecordBatch>> batches_;
};

TypePtr error_schema() {
  static const TypePtr schema = DataType::structure({{"stage", DataType::string()},
                                                     {"message", DataType::string()},
                                                     {"record", DataType::string()}});
  return schema;
}

class ErrorsNode : public PlanNode {
 public:
  explicit ErrorsNode(NodePtr input) : input_(std::move(input)) {}
  std::string name() const override { return "ErrorsAsDynamicFrame"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext&) const override {
    ExecContext ctx(/*enforce_thresholds=*/false);
    MORTAR_ASSIGN_OR_RETURN(auto stream, input_->open(ctx));
    for (;;) {
      MORTAR_ASSIGN_OR_RETURN(auto batch, stream->next());
      if (!batch) break;
    }
    auto out = RecordBatch::make_empty(error_schema());
    for (const ErrorRecord& e : ctx.errors()) {
      out->column(0).append_string(e.stage);
      out->column(1).append_string(e.message);
      out->column(2).append_string(e.record);
      out->set_num_rows(out->num_rows() + 1);
    }
    std::vector<std::unique_ptr<RecordBatch>> batches;
    batches.push_back(std::move(out));
    return vector_stream(std::move(batches));
  }

 protected:
  StatusOr<TypePtr> compute_schema() const override { return error_schema(); }

 private:
  NodePtr input_;
};

}  // namespace

NodePtr make_memory_source(std::vector<std::shared_ptr<const RecordBatch>> batches) {
  return std::make_shared<MemorySourceNode>(std::move(batches));
}

NodePtr make_errors_node(NodePtr input) { return std::make_shared<ErrorsNode>(std::move(input)); }

}  // namespace mortar::engine
