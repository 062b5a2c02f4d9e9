// The state one execution of a plan shares: error records set aside by
// transforms (a callback that throws, a record that cannot be converted) and
// the thresholds that turn too many of them into a failed execution, as
// Glue's stageThreshold / totalThreshold do (0 = no limit; the execution
// fails once a count goes past its threshold). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/status.h"

namespace mortar::engine {

struct ErrorRecord {
  std::string stage;    // the transform, e.g. "Map" or its transformation_ctx
  std::string message;  // what went wrong
  std::string record;   // the input record as JSON text
};

// The error-handling parameters every Glue transform takes.
struct TransformOptions {
  std::string transformation_ctx;
  std::string info;
  int64_t stage_threshold = 0;  // errors this transform may produce; 0 = unlimited
  int64_t total_threshold = 0;  // errors so far in the execution; 0 = unlimited
};

// The memory budget of one execution for what transforms must hold beyond
// the batches in flight: a join's build (right) side, DropDuplicates' keys,
// mergeDynamicFrame's staged keys, Relationalize's tables. Past the limit the
// action fails with a message naming the transform and the budget, instead
// of the process being killed for want of memory. The limit is
// MORTAR_ENGINE_MEMORY_MB (default 2048). Thread-safe.
class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t limit_bytes) : limit_(limit_bytes) {}
  // Counts `bytes` more held by `transform`; fails once the total passes the
  // limit (the bytes stay counted: the execution is failing anyway).
  Status reserve(std::string_view transform, int64_t bytes);
  // Counts `bytes` only if they fit; false (nothing counted) otherwise.
  bool try_reserve(int64_t bytes);
  void release(int64_t bytes);
  int64_t used() const;
  int64_t limit() const { return limit_; }

 private:
  const int64_t limit_;
  mutable std::mutex mu_;
  int64_t used_ ABSL_GUARDED_BY(mu_) = 0;
};

// MORTAR_ENGINE_MEMORY_MB in bytes (default 2048 MB; unparsable or < 1 -> default).
int64_t engine_memory_limit();

class ExecContext {
 public:
  // With enforce_thresholds false, errors are only collected (errors_as_frame).
  explicit ExecContext(bool enforce_thresholds = true)
      : enforce_(enforce_thresholds), memory_(engine_memory_limit()) {}

  MemoryBudget& memory() { return memory_; }

  // Records an error of the stage identified by `stage_key`; returns a
  // failure once a threshold is exceeded.
  Status add_error(const void* stage_key, const TransformOptions& options, ErrorRecord record);

  std::vector<ErrorRecord> errors() const;
  int64_t total_errors() const;

  // Errors with the stage and options they were added with, to add them
  // again to another execution (a node's cached first pass, plan_node.h).
  struct StageError {
    const void* stage_key;
    TransformOptions options;
    ErrorRecord record;
  };
  std::vector<StageError> stage_errors() const;

 private:
  const bool enforce_;
  MemoryBudget memory_;
  mutable std::mutex mu_;
  std::vector<ErrorRecord> errors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<const void*, TransformOptions>> error_stages_ ABSL_GUARDED_BY(mu_);
  std::map<const void*, int64_t> per_stage_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mortar::engine
