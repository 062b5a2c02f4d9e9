#include "jobs/job_definition.h"

namespace mortar::jobs {
namespace {

using Json = nlohmann::json;

const Json* find(const Json& j, const char* name) {
  auto it = j.find(name);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string command_name(const Json& job) {
  const Json* cmd = find(job, "Command");
  if (cmd == nullptr) return "";
  const Json* name = find(*cmd, "Name");
  return name && name->is_string() ? name->get<std::string>() : "";
}

}  // namespace

Status validate_job(const Json& job) {
  const Json* cmd = find(job, "Command");
  if (cmd == nullptr || !cmd->is_object()) return invalid_input("Command is required");
  const std::string name = command_name(job);
  if (name != "glueetl" && name != "pythonshell" && name != "gluestreaming" && name != "glueray") {
    return invalid_input(
        "Command.Name must be one of glueetl, pythonshell, gluestreaming or "
        "glueray, got '" +
        name + "'");
  }
  const Json* script = find(*cmd, "ScriptLocation");
  if (script == nullptr || !script->is_string() || script->get<std::string>().empty()) {
    return invalid_input("Command.ScriptLocation is required");
  }
  if (const Json* t = find(job, "Timeout"); t && t->is_number_integer()) {
    const int64_t v = t->get<int64_t>();
    if (v < 1 || v > kMaxTimeoutMinutes) {
      return invalid_input("Timeout must be between 1 and " + std::to_string(kMaxTimeoutMinutes) +
                           " minutes (7 days), got " + std::to_string(v));
    }
  }
  if (const Json* r = find(job, "MaxRetries"); r && r->is_number_integer()) {
    const int64_t v = r->get<int64_t>();
    if (v < 0 || v > kMaxRetries) {
      return invalid_input("MaxRetries must be between 0 and " + std::to_string(kMaxRetries) +
                           ", got " + std::to_string(v));
    }
  }
  if (const Json* ep = find(job, "ExecutionProperty"); ep && ep->is_object()) {
    if (const Json* m = find(*ep, "MaxConcurrentRuns"); m && m->is_number_integer()) {
      if (m->get<int64_t>() < 1) {
        return invalid_input("ExecutionProperty.MaxConcurrentRuns must be at least 1, got " +
                             std::to_string(m->get<int64_t>()));
      }
    }
  }
  const Json* worker_type = find(job, "WorkerType");
  const Json* workers = find(job, "NumberOfWorkers");
  const Json* max_capacity = find(job, "MaxCapacity");
  const Json* allocated = find(job, "AllocatedCapacity");
  if ((worker_type != nullptr) != (workers != nullptr)) {
    return invalid_input("WorkerType and NumberOfWorkers must be set together");
  }
  if (worker_type && (max_capacity || allocated)) {
    return invalid_input(
        "Please set either MaxCapacity (or AllocatedCapacity) or WorkerType with "
        "NumberOfWorkers, not both");
  }
  if (workers && workers->is_number_integer() && workers->get<int64_t>() < 1) {
    return invalid_input("NumberOfWorkers must be at least 1, got " +
                         std::to_string(workers->get<int64_t>()));
  }
  if (max_capacity && max_capacity->is_number()) {
    const double v = max_capacity->get<double>();
    if (name == "pythonshell" && v != 0.0625 && v != 1.0) {
      return invalid_input("MaxCapacity of a pythonshell job must be 0.0625 or 1, got " +
                           max_capacity->dump());
    }
    if (name == "glueetl" && v < 2) {
      return invalid_input("MaxCapacity of a glueetl job must be at least 2, got " +
                           max_capacity->dump());
    }
  }
  if (name == "pythonshell" && worker_type) {
    return invalid_input("WorkerType is not supported for pythonshell jobs; set MaxCapacity");
  }
  return ok_status();
}

Json job_with_defaults(const Json& request) {
  Json job = request;
  job.erase("Tags");
  job.erase("JobName");
  if (!find(job, "Timeout")) job["Timeout"] = kDefaultTimeoutMinutes;
  if (!find(job, "MaxRetries")) job["MaxRetries"] = 0;
  if (!find(job, "ExecutionProperty")) job["ExecutionProperty"] = Json::object();
  if (!find(job["ExecutionProperty"], "MaxConcurrentRuns")) {
    job["ExecutionProperty"]["MaxConcurrentRuns"] = 1;
  }
  if (!find(job, "WorkerType")) {
    const bool shell = command_name(job) == "pythonshell";
    if (!find(job, "MaxCapacity")) {
      job["MaxCapacity"] = find(job, "AllocatedCapacity") ? job["AllocatedCapacity"].get<double>()
                           : shell                        ? 0.0625
                                                          : 10.0;
    }
    if (!find(job, "AllocatedCapacity")) {
      job["AllocatedCapacity"] = shell ? 0 : static_cast<int>(job["MaxCapacity"].get<double>());
    }
  }
  return job;
}

int effective_timeout_minutes(const Json& job, const Json& run_request) {
  if (const Json* t = find(run_request, "Timeout"); t && t->is_number_integer()) {
    return t->get<int>();
  }
  if (const Json* t = find(job, "Timeout"); t && t->is_number_integer()) return t->get<int>();
  return kDefaultTimeoutMinutes;
}

std::string log_group_for(const Json& job) {
  return command_name(job) == "pythonshell" ? "/aws-glue/python-jobs" : "/aws-glue/jobs";
}

Status check_runnable(const Json& job) {
  const std::string name = command_name(job);
  if (name == "gluestreaming" || name == "glueray") {
    return invalid_input("Mortar does not run " + name + " jobs (job command '" + name +
                         "'); only glueetl and pythonshell jobs can be started");
  }
  return ok_status();
}

}  // namespace mortar::jobs
