#include "jobs/run_arguments.h"

#include <set>

#include "common/crypto.h"

namespace mortar::jobs {
namespace {

void merge_from(const nlohmann::json& object, const char* member, ArgumentMap& into) {
  auto it = object.find(member);
  if (it == object.end() || !it->is_object()) return;
  for (const auto& [key, value] : it->items()) {
    into[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
}

// Set by the runner for every run; a user's value would only confuse the script.
const std::set<std::string>& runner_owned() {
  static const std::set<std::string> names = {"--JOB_ID", "--JOB_RUN_ID", "--JOB_NAME",
                                              "--WORKFLOW_NAME", "--WORKFLOW_RUN_ID"};
  return names;
}

}  // namespace

ArgumentMap resolve_arguments(const nlohmann::json& job, const nlohmann::json& run) {
  ArgumentMap args;
  merge_from(job, "DefaultArguments", args);
  merge_from(run, "Arguments", args);
  merge_from(job, "NonOverridableArguments", args);
  return args;
}

std::optional<std::string> argument(const ArgumentMap& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end()) return std::nullopt;
  return it->second;
}

std::string glue_job_id(const std::string& account_id, const std::string& job_name) {
  return "j_" + sha256_hex(account_id + '\n' + job_name);
}

std::vector<std::string> script_arguments(const ArgumentMap& args,
                                          const ReservedArguments& reserved) {
  std::vector<std::string> out;
  for (const auto& [name, value] : args) {
    if (runner_owned().count(name) != 0 || name == "--TempDir" || name == "--job-bookmark-option") {
      continue;
    }
    out.push_back(name);
    out.push_back(value);
  }
  out.insert(out.end(),
             {"--JOB_ID", reserved.job_id, "--JOB_RUN_ID", reserved.run_id, "--JOB_NAME",
              reserved.job_name, "--TempDir",
              argument(args, "--TempDir").value_or(reserved.temp_dir), "--job-bookmark-option",
              argument(args, "--job-bookmark-option").value_or("job-bookmark-disable")});
  if (!reserved.origin.workflow_name.empty()) {
    out.insert(out.end(), {"--WORKFLOW_NAME", reserved.origin.workflow_name, "--WORKFLOW_RUN_ID",
                           reserved.origin.workflow_run_id});
  }
  return out;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string::npos) end = list.size();
    size_t b = list.find_first_not_of(" \t\r\n", pos);
    if (b != std::string::npos && b < end) {
      size_t e = list.find_last_not_of(" \t\r\n", end - 1);
      out.push_back(list.substr(b, e - b + 1));
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace mortar::jobs
