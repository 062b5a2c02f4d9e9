// Registers Glue's job operations on the api registry: Create/Update/Delete/
// Get/GetJobs/BatchGetJobs/ListJobs, StartJobRun, GetJobRun, GetJobRuns,
// BatchStopJobRun, and TagResource/UntagResource/GetTags on job ARNs (a "job"
// tagger on the registry's TagRouter). Thin handlers over jobs::JobService.
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "jobs/job_service.h"

namespace mortar::api {

// `service` and `codec` must outlive the registry's handlers.
void register_job_operations(OperationRegistry& registry, jobs::JobService& service,
                             const NextTokenCodec& codec);

}  // namespace mortar::api
