// Registers Glue's workflow operations on the api registry: CreateWorkflow,
// GetWorkflow, BatchGetWorkflows, ListWorkflows, UpdateWorkflow,
// DeleteWorkflow, StartWorkflowRun, StopWorkflowRun, ResumeWorkflowRun,
// GetWorkflowRun, GetWorkflowRuns, GetWorkflowRunProperties,
// PutWorkflowRunProperties, and TagResource/UntagResource/GetTags on
// workflow ARNs (a "workflow" tagger on the registry's TagRouter). Thin
// handlers over schedule::WorkflowService.
#pragma once

#include "api/next_token.h"
#include "api/operation.h"
#include "schedule/workflow_service.h"

namespace mortar::api {

// `service` and `codec` must outlive the registry's handlers.
void register_workflow_operations(OperationRegistry& registry, schedule::WorkflowService& service,
                                  const NextTokenCodec& codec);

}  // namespace mortar::api
