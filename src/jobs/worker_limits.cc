#include "jobs/worker_limits.h"

#include <algorithm>
#include <cmath>

namespace mortar::jobs {
namespace {

const nlohmann::json* field(const nlohmann::json& job, const nlohmann::json& run,
                            const char* name) {
  for (const nlohmann::json* o : {&run, &job}) {
    if (!o->is_object()) continue;
    auto it = o->find(name);
    if (it != o->end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

}  // namespace

ResourceLimits worker_limits(const nlohmann::json& job, const nlohmann::json& run,
                             const WorkerLimitOptions& options) {
  ResourceLimits limits;
  limits.cpu_seconds = options.cpu_seconds;
  limits.open_files = options.open_files;
  int64_t memory = options.default_memory_bytes;
  const nlohmann::json* worker = field(job, run, "WorkerType");
  const nlohmann::json* dpus = field(job, run, "MaxCapacity");
  if (dpus == nullptr) dpus = field(job, run, "AllocatedCapacity");
  if (worker != nullptr && worker->is_string()) {
    auto it = options.worker_memory_bytes.find(worker->get<std::string>());
    if (it != options.worker_memory_bytes.end()) memory = it->second;
  } else if (dpus != nullptr && dpus->is_number() && dpus->get<double>() > 0) {
    memory = static_cast<int64_t>(
        std::llround(dpus->get<double>() * static_cast<double>(options.dpu_memory_bytes)));
  }
  limits.memory_bytes = memory > 0 ? std::max(memory, options.min_memory_bytes) : 0;
  return limits;
}

}  // namespace mortar::jobs
