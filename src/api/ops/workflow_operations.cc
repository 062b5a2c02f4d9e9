// Workflow operations: thin handlers over schedule::WorkflowService.
#include "api/ops/workflow_operations.h"

#include "api/ops/op_support.h"
#include "api/ops/tag_operations.h"

namespace mortar::api {
namespace {

using ops::flag;
using ops::member;
using ops::page_size;
using ops::Paging;
using ops::str;
using ops::str_list;
using ops::wrap;
using schedule::WorkflowService;

// Workflows belong to the caller's account (no CatalogId member).
CallContext context(const RequestContext& ctx, const Json& in) {
  return ops::call_context(ctx, in);
}

Json named(const std::string& name) { return wrap("Name", name); }

}  // namespace

void register_workflow_operations(OperationRegistry& r, WorkflowService& s,
                                  const NextTokenCodec& codec) {
  r.add("CreateWorkflow", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(std::string name, s.create_workflow(context(ctx, in), in));
    return named(name);
  });
  r.add("GetWorkflow", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json w, s.get_workflow(context(ctx, in), str(in, "Name"), flag(in, "IncludeGraph")));
    return wrap("Workflow", std::move(w));
  });
  r.add("BatchGetWorkflows", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    return s.batch_get_workflows(context(ctx, in), str_list(in, "Names"), flag(in, "IncludeGraph"));
  });
  r.add("ListWorkflows", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {});
    MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
    MORTAR_ASSIGN_OR_RETURN(
        auto page, s.list_workflows(context(ctx, in), pos.is_string() ? pos.get<std::string>() : "",
                                    page_size(in, 25, 25)));
    Json out = wrap("Workflows", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("UpdateWorkflow", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.update_workflow(context(ctx, in), str(in, "Name"), in));
    return named(str(in, "Name"));
  });
  r.add("DeleteWorkflow", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.delete_workflow(context(ctx, in), str(in, "Name")));
    return named(str(in, "Name"));
  });
  r.add("StartWorkflowRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    schedule::WorkflowStart start;
    start.account_id = context(ctx, in).account_id;
    start.workflow_name = str(in, "Name");
    if (Json p = member(in, "RunProperties"); p.is_object()) start.run_properties = std::move(p);
    MORTAR_ASSIGN_OR_RETURN(std::string id, s.start_workflow_run(start));
    return wrap("RunId", id);
  });
  r.add("StopWorkflowRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(
        s.stop_workflow_run(context(ctx, in), str(in, "Name"), str(in, "RunId")));
    return Json::object();
  });
  r.add("ResumeWorkflowRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    return s.resume_workflow_run(context(ctx, in), str(in, "Name"), str(in, "RunId"),
                                 str_list(in, "NodeIds"));
  });
  r.add("GetWorkflowRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json run,
                            s.get_workflow_run(context(ctx, in), str(in, "Name"), str(in, "RunId"),
                                               flag(in, "IncludeGraph")));
    return wrap("Run", std::move(run));
  });
  r.add("GetWorkflowRuns", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"Name", "IncludeGraph"});
    MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
    // Glue's default IncludeGraph for GetWorkflowRuns is false as well.
    MORTAR_ASSIGN_OR_RETURN(
        auto page, s.get_workflow_runs(context(ctx, in), str(in, "Name"), flag(in, "IncludeGraph"),
                                       pos, page_size(in, 1000, 100)));
    Json out = wrap("Runs", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("GetWorkflowRunProperties", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json p, s.get_run_properties(context(ctx, in), str(in, "Name"), str(in, "RunId")));
    return wrap("RunProperties", std::move(p));
  });
  r.add("PutWorkflowRunProperties", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.put_run_properties(context(ctx, in), str(in, "Name"), str(in, "RunId"),
                                                member(in, "RunProperties")));
    return Json::object();
  });
  ops::tag_router(r).add(
      "workflow", std::make_shared<ops::NamedResourceTagger<WorkflowService>>(
                      s, "workflow", &WorkflowService::tag_workflow,
                      &WorkflowService::untag_workflow, &WorkflowService::get_workflow_tags));
}

}  // namespace mortar::api
