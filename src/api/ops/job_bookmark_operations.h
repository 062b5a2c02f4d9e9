// Registers GetJobBookmark and ResetJobBookmark over jobs::JobBookmarks.
// Both first ask `job_exists` (the JobService's check: EntityNotFoundException
// "Job <name> not found" style when the job is missing), then answer Glue's
// JobBookmarkEntry; a job whose bookmark was never committed is
// EntityNotFoundException "Continuation for job <name> not found", as Glue
// answers it.
#pragma once

#include <functional>
#include <string>

#include "api/operation.h"
#include "common/status.h"
#include "jobs/job_bookmarks.h"

namespace mortar::api {

// OK when the job exists in the account, else the error to answer (NotFound).
using JobExistsCheck =
    std::function<Status(const std::string& account_id, const std::string& job_name)>;

// `bookmarks` must outlive the registry's handlers.
void register_job_bookmark_operations(OperationRegistry& registry, jobs::JobBookmarks& bookmarks,
                                      JobExistsCheck job_exists);

}  // namespace mortar::api
