// Job bookmarks kept in the Store: per (account, job) one versioned entry
// (the state per transformation_ctx, as one JSON document, plus the
// JobBookmarkEntry members Glue returns) and the state as each committing run
// left it, so ResetJobBookmark with a RunId can rewind to it and pause runs
// with --job-bookmark-from/-to can read a range of runs.
//
// The document load() gives the script (MORTAR_JOB_BOOKMARK_IN):
//   {"job_name", "run_id", "option",      -- as in BookmarkRun
//    "version": N,                        -- the entry's version (0: none yet)
//    "state": {ctx: {...}},               -- where this run starts
//    "to_state": {ctx: {...}}}            -- pause with from/to only: where it stops
// Pause with from/to: "state" is the state after the from run, "to_state"
// the state after the to run. The script's Job.commit writes
//   {"version": N, "state": {ctx: {...}}}
// and commit() stores it if the entry is still at version N (then N+1).
// The per-context states are the awsglue package's business
// (python/awsglue/_bookmarks.py); this class keeps them opaque.
//
// Thread-safe (all state is in the Store).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "jobs/bookmark_hooks.h"
#include "store/store.h"

namespace mortar::jobs {

// Glue's JobBookmarkEntry.
struct BookmarkEntry {
  std::string job_name;
  int64_t version = 0;          // +1 on every commit, reset and rewind
  int64_t run = 0;              // how many runs have committed the bookmark
  int64_t attempt = 0;          // the committing run's attempt (its "_attempt_N" suffix)
  std::string previous_run_id;  // the run that committed before it
  std::string run_id;           // the run that committed last (kept by a reset)
  std::string bookmark;         // JSON text: {transformation_ctx: state}

  nlohmann::json to_json() const;  // JobBookmarkEntry's wire shape
};

class JobBookmarks : public BookmarkHooks {
 public:
  // `store` and `clock` must outlive this object.
  JobBookmarks(store::Store& store, const Clock& clock);

  // The bookmark tables; part of server migrations.
  static Status migrate(store::Store& store);

  // BookmarkHooks. load(): InvalidArgument for an unknown option, for only
  // one of from/to, or outside pause; NotFound when a from/to run never
  // committed the bookmark. commit(): OK without storing for disable and
  // pause; Aborted when another run committed since this one loaded;
  // InvalidArgument when the document is not what Job.commit writes.
  StatusOr<std::string> load(const BookmarkRun& run) override;
  Status commit(const BookmarkRun& run, const std::string& document) override;

  // GetJobBookmark: the entry now, or (run_id set) the state that run left.
  // NotFound "Continuation for job <job> not found" when there is none.
  StatusOr<BookmarkEntry> get(const std::string& account_id, const std::string& job_name,
                              const std::string& run_id = "") const;
  // ResetJobBookmark: without run_id the state becomes empty (every source
  // reads everything again); with it the state as that run left it. Earlier
  // history is kept (a later rewind may still name those runs). NotFound as
  // get() does, or when run_id never committed this job's bookmark.
  StatusOr<BookmarkEntry> reset(const std::string& account_id, const std::string& job_name,
                                const std::string& run_id = "");
  // DeleteJob: forgets the job's bookmark and history.
  Status forget(const std::string& account_id, const std::string& job_name);

 private:
  store::Store& store_;
  const Clock& clock_;
};

// The attempt number of a run id ("jr_x_attempt_2" -> 2, "jr_x" -> 0).
int64_t attempt_of_run(const std::string& run_id);

}  // namespace mortar::jobs
