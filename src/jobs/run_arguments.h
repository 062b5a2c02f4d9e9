// A run's arguments as Glue resolves them and passes them to the script.
//
// Precedence (Glue's): the job's NonOverridableArguments over the run's
// Arguments over the job's DefaultArguments. The script's argv is every
// resolved argument as `--name value` (special ones such as --extra-py-files
// included, as Glue passes them), then what Glue sets for every run:
// --JOB_ID, --JOB_RUN_ID, --JOB_NAME, --TempDir, --job-bookmark-option and,
// in a workflow, --WORKFLOW_NAME / --WORKFLOW_RUN_ID. The user's values of
// those reserved names are dropped, except --TempDir and the bookmark
// options, which the user may set.
//
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "jobs/run_executor.h"

namespace mortar::jobs {

using ArgumentMap = std::map<std::string, std::string>;

// The merged arguments of `job` (GetJob's Job) and `run` (GetJobRun's JobRun).
ArgumentMap resolve_arguments(const nlohmann::json& job, const nlohmann::json& run);

// The value of `name` ("--extra-py-files") if set.
std::optional<std::string> argument(const ArgumentMap& args, const std::string& name);

// Glue's --JOB_ID: "j_" and 64 hex digits, stable for a job of an account.
std::string glue_job_id(const std::string& account_id, const std::string& job_name);

struct ReservedArguments {
  std::string job_id;
  std::string run_id;
  std::string job_name;
  std::string temp_dir;  // used when the arguments hold no --TempDir
  RunOrigin origin;
};

// The arguments after the script path, as the script's sys.argv[1:].
std::vector<std::string> script_arguments(const ArgumentMap& args,
                                          const ReservedArguments& reserved);

// Splits a comma-separated list ("a.py, s3://b/c.zip"), trimming blanks and
// dropping empty items.
std::vector<std::string> split_list(const std::string& list);

}  // namespace mortar::jobs
