// How a run's job bookmark reaches its script and comes back (the runner
// calls these; jobs/job_bookmarks.h implements them over the Store):
//   1. before start, load() gives the document the script's Job.init reads,
//      written to the file named by MORTAR_JOB_BOOKMARK_IN;
//   2. the script's Job.commit writes the new document to the file named by
//      MORTAR_JOB_BOOKMARK_OUT;
//   3. only if the script exits 0, commit() stores it -- a compare-and-swap
//      on the version the document carries, so a concurrent commit fails
//      loudly and the run is FAILED with the reason.
//
// Thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace mortar::jobs {

struct BookmarkRun {
  std::string account_id;
  std::string job_name;
  std::string run_id;
  // --job-bookmark-option as the run sees it: job-bookmark-enable,
  // job-bookmark-disable (the default) or job-bookmark-pause.
  std::string option = "job-bookmark-disable";
  std::string from_run;  // --job-bookmark-from (pause only), "" if unset
  std::string to_run;    // --job-bookmark-to (pause only), "" if unset
};

class BookmarkHooks {
 public:
  virtual ~BookmarkHooks() = default;
  // The JSON document for MORTAR_JOB_BOOKMARK_IN.
  virtual StatusOr<std::string> load(const BookmarkRun& run) = 0;
  // Stores what the script committed (the MORTAR_JOB_BOOKMARK_OUT file's
  // text). Aborted when another run committed first.
  virtual Status commit(const BookmarkRun& run, const std::string& document) = 0;
};

}  // namespace mortar::jobs
