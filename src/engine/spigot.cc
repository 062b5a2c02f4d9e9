// Spigot: passes the frame through unchanged and writes a sample of its
// records (the first `topk`, each kept with probability `prob`) as JSON
// lines to <path>/spigot-part-00000.json, to inspect data mid-job.
#include <random>

#include "engine/transforms.h"
#include "io/file_system.h"
#include "types/json_text.h"

namespace mortar::engine {

using types::RecordBatch;

namespace {

class SpigotStream : public BatchStream {
 public:
  SpigotStream(std::unique_ptr<BatchStream> input, std::string path, int64_t topk, double prob)
      : input_(std::move(input)), path_(std::move(path)), topk_(topk), prob_(prob) {}
  ~SpigotStream() override { (void)flush(); }  // a partly read frame still leaves its sample

  StatusOr<std::unique_ptr<RecordBatch>> next() override {
    MORTAR_ASSIGN_OR_RETURN(auto batch, input_->next());
    if (!batch) {
      MORTAR_RETURN_IF_ERROR(flush());
      return batch;
    }
    std::bernoulli_distribution keep(prob_);
    for (int64_t r = 0; r < batch->num_rows() && taken_ < topk_; ++r) {
      if (prob_ < 1.0 && !keep(rng_)) continue;
      types::append_json_line(sample_, *batch, r);
      ++taken_;
    }
    if (taken_ >= topk_) MORTAR_RETURN_IF_ERROR(flush());
    return batch;
  }

 private:
  Status flush() {
    if (written_) return ok_status();
    written_ = true;
    MORTAR_ASSIGN_OR_RETURN(io::FileSystem * fs, io::file_system_for(path_));
    MORTAR_ASSIGN_OR_RETURN(auto out,
                            fs->open_output(io::join_path(path_, "spigot-part-00000.json")));
    MORTAR_RETURN_IF_ERROR(out->write(sample_));
    return out->close();
  }

  std::unique_ptr<BatchStream> input_;
  std::string path_;
  int64_t topk_;
  double prob_;
  std::mt19937_64 rng_{42};  // fixed seed: a rerun samples the same records
  std::string sample_;
  int64_t taken_ = 0;
  bool written_ = false;
};

class SpigotNode : public PlanNode {
 public:
  SpigotNode(NodePtr input, std::string path, int64_t topk, double prob)
      : input_(std::move(input)), path_(std::move(path)), topk_(topk), prob_(prob) {}
  std::string name() const override { return "Spigot"; }
  StatusOr<std::unique_ptr<BatchStream>> open(ExecContext& ctx) const override {
    MORTAR_ASSIGN_OR_RETURN(auto in, open_conformed(*input_, ctx));
    return std::unique_ptr<BatchStream>(new SpigotStream(std::move(in), path_, topk_, prob_));
  }

 protected:
  StatusOr<types::TypePtr> compute_schema() const override { return input_->schema(); }

 private:
  NodePtr input_;
  std::string path_;
  int64_t topk_;
  double prob_;
};

}  // namespace

StatusOr<NodePtr> make_spigot(NodePtr input, const std::string& path, int64_t topk, double prob) {
  if (path.empty()) return invalid_input("Spigot: no path");
  if (topk < 0) return invalid_input("Spigot: topk must be >= 0");
  if (!(prob >= 0.0 && prob <= 1.0)) return invalid_input("Spigot: prob must be within [0, 1]");
  MORTAR_RETURN_IF_ERROR(io::file_system_for(path).status());
  return NodePtr(std::make_shared<SpigotNode>(std::move(input), path, topk, prob));
}

}  // namespace mortar::engine
