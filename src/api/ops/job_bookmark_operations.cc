// GetJobBookmark / ResetJobBookmark: thin handlers over jobs::JobBookmarks.
#include "api/ops/job_bookmark_operations.h"

#include "api/ops/op_support.h"

namespace mortar::api {

using ops::str;
using ops::wrap;

void register_job_bookmark_operations(OperationRegistry& r, jobs::JobBookmarks& bookmarks,
                                      JobExistsCheck job_exists) {
  r.add("GetJobBookmark",
        [&bookmarks, job_exists](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          const std::string job = str(in, "JobName");
          MORTAR_RETURN_IF_ERROR(job_exists(ctx.account_id, job));
          MORTAR_ASSIGN_OR_RETURN(auto entry, bookmarks.get(ctx.account_id, job, str(in, "RunId")));
          return wrap("JobBookmarkEntry", entry.to_json());
        });
  r.add("ResetJobBookmark",
        [&bookmarks, job_exists](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
          const std::string job = str(in, "JobName");
          MORTAR_RETURN_IF_ERROR(job_exists(ctx.account_id, job));
          MORTAR_ASSIGN_OR_RETURN(auto entry,
                                  bookmarks.reset(ctx.account_id, job, str(in, "RunId")));
          return wrap("JobBookmarkEntry", entry.to_json());
        });
}

}  // namespace mortar::api
