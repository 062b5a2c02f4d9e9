// Glue's rules for a job definition (CreateJob, UpdateJob's JobUpdate) and
// the defaults Glue fills in, in one place.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace mortar::jobs {

inline constexpr int kDefaultTimeoutMinutes = 2880;  // Glue's default for glueetl and pythonshell
inline constexpr int kMaxTimeoutMinutes = 10080;     // 7 days
inline constexpr int kMaxRetries = 10;

// InvalidInput naming the member that is wrong (Command.Name, Timeout,
// MaxRetries, ExecutionProperty.MaxConcurrentRuns, WorkerType with
// NumberOfWorkers vs MaxCapacity ...). `job` is a CreateJob request or a
// JobUpdate.
Status validate_job(const nlohmann::json& job);

// The Job object as stored: the request's members (Tags dropped) with
// Glue's defaults (Timeout, MaxRetries, ExecutionProperty, capacity).
nlohmann::json job_with_defaults(const nlohmann::json& request);

// The run's Timeout (its own, else the job's, else the default), minutes.
int effective_timeout_minutes(const nlohmann::json& job, const nlohmann::json& run_request);

// "/aws-glue/jobs", or "/aws-glue/python-jobs" for Python shell jobs.
std::string log_group_for(const nlohmann::json& job);

// gluestreaming and glueray: stored, but runs are refused (InvalidInput
// naming the command).
Status check_runnable(const nlohmann::json& job);

}  // namespace mortar::jobs
