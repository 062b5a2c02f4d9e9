// How a job's capacity (WorkerType / NumberOfWorkers / MaxCapacity) maps to
// the resource limits of its one local process. Glue spreads a job over
// NumberOfWorkers machines; Mortar runs it as one process, so a run gets the
// memory of one worker of its type (NumberOfWorkers is not multiplied in),
// or MaxCapacity DPUs at `dpu_memory_bytes` each. Defaults in README.md
// ("Resource limits").
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "jobs/process_launcher.h"

namespace mortar::jobs {

struct WorkerLimitOptions {
  // Memory (RLIMIT_AS: address space, not resident memory) per worker type.
  std::map<std::string, int64_t> worker_memory_bytes = {
      {"G.025X", 2LL << 30}, {"G.1X", 4LL << 30},   {"G.2X", 8LL << 30},   {"G.4X", 16LL << 30},
      {"G.8X", 32LL << 30},  {"G.12X", 48LL << 30}, {"G.16X", 64LL << 30}, {"R.1X", 8LL << 30},
      {"R.2X", 16LL << 30},  {"R.4X", 32LL << 30},  {"R.8X", 64LL << 30},  {"Standard", 4LL << 30},
      {"Z.2X", 8LL << 30}};
  int64_t dpu_memory_bytes = 4LL << 30;      // per MaxCapacity / AllocatedCapacity DPU
  int64_t min_memory_bytes = 1LL << 30;      // the floor (Python shell's 0.0625 DPU)
  int64_t default_memory_bytes = 4LL << 30;  // a job that names no capacity
  int64_t cpu_seconds = 0;                   // RLIMIT_CPU; 0: none (Timeout bounds a run)
  int64_t open_files = 4096;                 // RLIMIT_NOFILE
};

// The limits for `job` (GetJob's Job; the run's own capacity fields, when
// JobService copied them into the run, are in `run` and win).
ResourceLimits worker_limits(const nlohmann::json& job, const nlohmann::json& run,
                             const WorkerLimitOptions& options);

}  // namespace mortar::jobs
