#include "engine/exec_context.h"

#include <fmt/format.h>

#include <cstdlib>

namespace mortar::engine {

namespace {
constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kDefaultMemoryMb = 2048;
}  // namespace

int64_t engine_memory_limit() {
  const char* env = std::getenv("MORTAR_ENGINE_MEMORY_MB");
  if (!env || !*env) return kDefaultMemoryMb * kMiB;
  char* end = nullptr;
  long long mb = std::strtoll(env, &end, 10);
  if (*end != '\0' || mb < 1 || mb > (int64_t{1} << 40) / kMiB) return kDefaultMemoryMb * kMiB;
  return mb * kMiB;
}

Status MemoryBudget::reserve(std::string_view transform, int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  used_ += bytes;
  if (used_ <= limit_) return ok_status();
  return limit_exceeded(fmt::format(
      "{} needs more than the engine's memory budget of {} MB (MORTAR_ENGINE_MEMORY_MB) for "
      "the data it must hold in memory; raise the budget, or reduce that data (filter or select "
      "fields first; for a join, put the smaller frame on the right)",
      transform, limit_ / kMiB));
}

bool MemoryBudget::try_reserve(int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (used_ + bytes > limit_) return false;
  used_ += bytes;
  return true;
}

void MemoryBudget::release(int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  used_ -= bytes;
}

int64_t MemoryBudget::used() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_;
}

Status ExecContext::add_error(const void* stage_key, const TransformOptions& options,
                              ErrorRecord record) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t stage_count = ++per_stage_[stage_key];
  std::string stage = record.stage;
  std::string message = record.message;
  errors_.push_back(std::move(record));
  error_stages_.emplace_back(stage_key, options);
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

std::vector<ExecContext::StageError> ExecContext::stage_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StageError> out;
  for (size_t i = 0; i < errors_.size(); ++i)
    out.push_back({error_stages_[i].first, error_stages_[i].second, errors_[i]});
  return out;
}

int64_t ExecContext::total_errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(errors_.size());
}

}  // namespace mortar::engine
