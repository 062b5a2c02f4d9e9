// Job operations: thin handlers over jobs::JobService.
#include "api/ops/job_operations.h"

#include "api/ops/op_support.h"
#include "api/ops/tag_operations.h"

namespace mortar::api {
namespace {

using ops::call_context;
using ops::flag;
using ops::member;
using ops::page_size;
using ops::Paging;
using ops::str;
using ops::str_list;
using ops::wrap;

// The position a page resumes after ("" for the first page).
StatusOr<std::string> after_position(const Paging& paging) {
  MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
  return pos.is_string() ? pos.get<std::string>() : std::string();
}


}  // namespace

void register_job_operations(OperationRegistry& r, jobs::JobService& s,
                             const NextTokenCodec& codec) {
  r.add("CreateJob", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(std::string name, s.create_job(call_context(ctx, in), in));
    return wrap("Name", name);
  });
  r.add("UpdateJob", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    const std::string name = str(in, "JobName");
    MORTAR_RETURN_IF_ERROR(s.update_job(call_context(ctx, in), name, member(in, "JobUpdate")));
    return wrap("JobName", name);
  });
  r.add("DeleteJob", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    const std::string name = str(in, "JobName");
    MORTAR_RETURN_IF_ERROR(s.delete_job(call_context(ctx, in), name));
    return wrap("JobName", name);
  });
  r.add("GetJob", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json job, s.get_job(call_context(ctx, in), str(in, "JobName")));
    return wrap("Job", std::move(job));
  });
  r.add("GetJobs", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_position(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page,
                            s.get_jobs(call_context(ctx, in), after, page_size(in, 1000)));
    Json out = wrap("Jobs", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("ListJobs", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"Tags"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_position(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page, s.list_jobs(call_context(ctx, in), member(in, "Tags"), after,
                                                   page_size(in, 1000)));
    Json out = wrap("JobNames", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("BatchGetJobs", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    return s.batch_get_jobs(call_context(ctx, in), str_list(in, "JobNames"));
  });
  r.add("StartJobRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(std::string id, s.start_job_run(call_context(ctx, in), in));
    return wrap("JobRunId", id);
  });
  r.add("GetJobRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(
        Json run, s.get_job_run(call_context(ctx, in), str(in, "JobName"), str(in, "RunId"),
                                flag(in, "PredecessorsIncluded")));
    return wrap("JobRun", std::move(run));
  });
  r.add("GetJobRuns", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"JobName"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_position(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page, s.get_job_runs(call_context(ctx, in), str(in, "JobName"),
                                                      after, page_size(in, 200)));
    Json out = wrap("JobRuns", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("BatchStopJobRun", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    return s.batch_stop_job_run(call_context(ctx, in), str(in, "JobName"),
                                str_list(in, "JobRunIds"));
  });
  ops::tag_router(r).add("job", std::make_shared<ops::NamedResourceTagger<jobs::JobService>>(
      s, "job", &jobs::JobService::tag_job, &jobs::JobService::untag_job, &jobs::JobService::get_job_tags));
}

}  // namespace mortar::api
