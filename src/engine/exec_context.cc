#include "engine/exec_context.h"

#include <fmt/format.h>

namespace mortar::engine {

Status ExecContext::add_error(const void* stage_key, const TransformOptions& options,
                              ErrorRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t stage_count = ++per_stage_[stage_key];
  std::string stage = record.stage;
  std::string message = record.message;
  errors_.push_back(std::move(record));
  int64_t total = static_cast<int64_t>(errors_.size());
  if (!enforce_) return ok_status();
  if (options.stage_threshold > 0 && stage_count > options.stage_threshold) {
    return invalid_input(
        fmt::format("{}: {} error records exceed stageThreshold {} (last error: {})", stage,
                    stage_count, options.stage_threshold, message));
  }
  if (options.total_threshold > 0 && total > options.total_threshold) {
    return invalid_input(
        fmt::format("{}: {} error records in total exceed totalThreshold {} (last error: {})",
                    stage, total, options.total_threshold, message));
  }
  return ok_status();
}

std::vector<ErrorRecord> ExecContext::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

int64_t ExecContext::total_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(errors_.size());
}

}  // namespace mortar::engine
