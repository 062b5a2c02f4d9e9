#include "jobs/job_bookmarks.h"

#include <fmt/format.h>

#include <cctype>

namespace mortar::jobs {
namespace {

using Json = nlohmann::json;
using store::Value;

constexpr std::string_view kEnable = "job-bookmark-enable";
constexpr std::string_view kDisable = "job-bookmark-disable";
constexpr std::string_view kPause = "job-bookmark-pause";

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "job bookmarks and the state each committing run left",
       "CREATE TABLE job_bookmarks ("
       "  account_id TEXT NOT NULL, job_name TEXT NOT NULL, version BIGINT NOT NULL,"
       "  run BIGINT NOT NULL, attempt BIGINT NOT NULL, previous_run_id TEXT NOT NULL,"
       "  run_id TEXT NOT NULL, bookmark TEXT NOT NULL, updated_micros BIGINT NOT NULL,"
       "  PRIMARY KEY (account_id, job_name));"
       "CREATE TABLE job_bookmark_runs ("
       "  account_id TEXT NOT NULL, job_name TEXT NOT NULL, run_id TEXT NOT NULL,"
       "  version BIGINT NOT NULL, run BIGINT NOT NULL, attempt BIGINT NOT NULL,"
       "  previous_run_id TEXT NOT NULL, bookmark TEXT NOT NULL,"
       "  committed_micros BIGINT NOT NULL,"
       "  PRIMARY KEY (account_id, job_name, run_id))"},
  };
  return kMigrations;
}

constexpr std::string_view kEntryColumns =
    "version, run, attempt, previous_run_id, run_id, bookmark";

BookmarkEntry entry_from(const std::string& job_name, const store::Row& r) {
  BookmarkEntry e;
  e.job_name = job_name;
  e.version = r.int_at(0);
  e.run = r.int_at(1);
  e.attempt = r.int_at(2);
  e.previous_run_id = r.text_at(3);
  e.run_id = r.text_at(4);
  e.bookmark = r.text_at(5);
  return e;
}

Status no_bookmark(const std::string& job_name) {
  return not_found(fmt::format("Continuation for job {} not found", job_name));
}

StatusOr<std::optional<BookmarkEntry>> read_entry(store::Transaction& tx,
                                                  const std::string& account_id,
                                                  const std::string& job_name) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query(fmt::format("SELECT {} FROM job_bookmarks WHERE account_id = ? "
                                               "AND job_name = ?",
                                               kEntryColumns),
                                   {account_id, job_name}));
  if (rows.empty()) return std::optional<BookmarkEntry>();
  return std::optional<BookmarkEntry>(entry_from(job_name, rows[0]));
}

StatusOr<std::optional<BookmarkEntry>> read_run(store::Transaction& tx,
                                                const std::string& account_id,
                                                const std::string& job_name,
                                                const std::string& run_id) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(fmt::format("SELECT {} FROM job_bookmark_runs WHERE account_id = ? AND "
                                      "job_name = ? AND run_id = ?",
                                      kEntryColumns),
                          {account_id, job_name, run_id}));
  if (rows.empty()) return std::optional<BookmarkEntry>();
  return std::optional<BookmarkEntry>(entry_from(job_name, rows[0]));
}

// A stored bookmark's state object ({} when the text is empty).
StatusOr<Json> state_of(const BookmarkEntry& e) {
  if (e.bookmark.empty()) return Json::object();
  Json j = Json::parse(e.bookmark, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return internal_error(fmt::format("the stored job bookmark of {} is corrupt", e.job_name));
  return j;
}

Status check_run(const BookmarkRun& run) {
  if (run.option != kEnable && run.option != kDisable && run.option != kPause)
    return invalid_input(
        fmt::format("--job-bookmark-option must be job-bookmark-enable, job-bookmark-disable or "
                    "job-bookmark-pause, not '{}'",
                    run.option));
  const bool has_range = !run.from_run.empty() || !run.to_run.empty();
  if (has_range && run.option != kPause)
    return invalid_input(
        "--job-bookmark-from and --job-bookmark-to are only used with --job-bookmark-option "
        "job-bookmark-pause");
  if (run.from_run.empty() != run.to_run.empty())
    return invalid_input(fmt::format(
        "job-bookmark-pause needs both --job-bookmark-from and --job-bookmark-to (got only {})",
        run.from_run.empty() ? "--job-bookmark-to" : "--job-bookmark-from"));
  return ok_status();
}

}  // namespace

Json BookmarkEntry::to_json() const {
  Json out = Json::object();
  out["JobName"] = job_name;
  out["Version"] = version;
  out["Run"] = run;
  out["Attempt"] = attempt;
  if (!previous_run_id.empty()) out["PreviousRunId"] = previous_run_id;
  if (!run_id.empty()) out["RunId"] = run_id;
  out["JobBookmark"] = bookmark.empty() ? std::string("{}") : bookmark;
  return out;
}

int64_t attempt_of_run(const std::string& run_id) {
  static constexpr std::string_view kSuffix = "_attempt_";
  const size_t at = run_id.rfind(kSuffix);
  if (at == std::string::npos) return 0;
  const std::string digits = run_id.substr(at + kSuffix.size());
  if (digits.empty() || digits.size() > 9) return 0;
  for (char c : digits)
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
  return std::stoll(digits);
}

JobBookmarks::JobBookmarks(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

Status JobBookmarks::migrate(store::Store& store) {
  return store.migrate("job_bookmarks", migrations());
}

StatusOr<std::string> JobBookmarks::load(const BookmarkRun& run) {
  MORTAR_RETURN_IF_ERROR(check_run(run));
  Json doc = Json::object();
  doc["job_name"] = run.job_name;
  doc["run_id"] = run.run_id;
  doc["option"] = run.option;
  doc["version"] = 0;
  doc["state"] = Json::object();
  if (run.option == kDisable) return doc.dump();
  MORTAR_RETURN_IF_ERROR(run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto entry, read_entry(tx, run.account_id, run.job_name));
    if (entry) {
      doc["version"] = entry->version;
      MORTAR_ASSIGN_OR_RETURN(doc["state"], state_of(*entry));
    }
    if (run.from_run.empty()) return ok_status();
    for (const auto& [run_id, member] :
         {std::pair{run.from_run, "state"}, std::pair{run.to_run, "to_state"}}) {
      MORTAR_ASSIGN_OR_RETURN(auto after, read_run(tx, run.account_id, run.job_name, run_id));
      if (!after)
        return not_found(
            fmt::format("run {} of job {} did not commit the job bookmark, so it cannot bound a "
                        "job-bookmark-pause run",
                        run_id, run.job_name));
      MORTAR_ASSIGN_OR_RETURN(doc[member], state_of(*after));
    }
    return ok_status();
  }));
  return doc.dump();
}

Status JobBookmarks::commit(const BookmarkRun& run, const std::string& document) {
  MORTAR_RETURN_IF_ERROR(check_run(run));
  if (run.option != kEnable) return ok_status();  // disable and pause never move the bookmark
  Json doc = Json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("version") ||
      !doc["version"].is_number_integer() || doc["version"].get<int64_t>() < 0 ||
      !doc.contains("state") || !doc["state"].is_object())
    return invalid_input(fmt::format(
        "run {} of job {}: the job bookmark the script committed is not a JSON object with "
        "\"version\" (an integer) and \"state\" (an object)",
        run.run_id, run.job_name));
  const int64_t loaded = doc["version"].get<int64_t>();
  const std::string bookmark = doc["state"].dump();
  const int64_t now = clock_.now_micros();
  auto conflict = [&](int64_t stored) {
    return concurrent_modification(fmt::format(
        "the job bookmark of {} was committed by another run (version {}) since run {} loaded "
        "version {}; this run's bookmark was not saved",
        run.job_name, stored, run.run_id, loaded));
  };
  Status st = run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto entry, read_entry(tx, run.account_id, run.job_name));
    BookmarkEntry next;
    next.version = loaded + 1;
    next.attempt = attempt_of_run(run.run_id);
    next.run_id = run.run_id;
    if (!entry) {
      if (loaded != 0) return conflict(0);
      next.run = 1;
      MORTAR_RETURN_IF_ERROR(
          tx.exec("INSERT INTO job_bookmarks (account_id, job_name, version, run, attempt, "
                  "previous_run_id, run_id, bookmark, updated_micros) VALUES (?, ?, ?, ?, ?, ?, "
                  "?, ?, ?)",
                  {run.account_id, run.job_name, next.version, next.run, next.attempt,
                   std::string(), next.run_id, bookmark, now})
              .status());
    } else {
      if (entry->version != loaded) return conflict(entry->version);
      next.run = entry->run + 1;
      next.previous_run_id = entry->run_id;
      // Conditional on the version: PostgreSQL's READ COMMITTED lets two
      // transactions read the same row, and only one of them may move it.
      MORTAR_ASSIGN_OR_RETURN(
          int64_t changed,
          tx.exec("UPDATE job_bookmarks SET version = ?, run = ?, attempt = ?, previous_run_id = "
                  "?, run_id = ?, bookmark = ?, updated_micros = ? WHERE account_id = ? AND "
                  "job_name = ? AND version = ?",
                  {next.version, next.run, next.attempt, next.previous_run_id, next.run_id,
                   bookmark, now, run.account_id, run.job_name, loaded}));
      if (changed != 1) return conflict(loaded + 1);
    }
    return tx
        .exec(
            "INSERT INTO job_bookmark_runs (account_id, job_name, run_id, version, run, attempt, "
            "previous_run_id, bookmark, committed_micros) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
            "CONFLICT (account_id, job_name, run_id) DO UPDATE SET version = excluded.version, "
            "run = excluded.run, attempt = excluded.attempt, previous_run_id = "
            "excluded.previous_run_id, bookmark = excluded.bookmark, committed_micros = "
            "excluded.committed_micros",
            {run.account_id, run.job_name, run.run_id, next.version, next.run, next.attempt,
             next.previous_run_id, bookmark, now})
        .status();
  });
  // Two first commits racing: the loser's INSERT hits the primary key.
  if (absl::IsAlreadyExists(st)) return conflict(1);
  return st;
}

StatusOr<BookmarkEntry> JobBookmarks::get(const std::string& account_id,
                                          const std::string& job_name,
                                          const std::string& run_id) const {
  std::optional<BookmarkEntry> out;
  MORTAR_RETURN_IF_ERROR(run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    if (run_id.empty()) {
      MORTAR_ASSIGN_OR_RETURN(out, read_entry(tx, account_id, job_name));
    } else {
      MORTAR_ASSIGN_OR_RETURN(out, read_run(tx, account_id, job_name, run_id));
    }
    return ok_status();
  }));
  if (!out) {
    if (run_id.empty()) return no_bookmark(job_name);
    return not_found(fmt::format("Continuation for job {} run {} not found", job_name, run_id));
  }
  return *out;
}

StatusOr<BookmarkEntry> JobBookmarks::reset(const std::string& account_id,
                                            const std::string& job_name,
                                            const std::string& run_id) {
  BookmarkEntry result;
  MORTAR_RETURN_IF_ERROR(run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(auto entry, read_entry(tx, account_id, job_name));
    if (!entry) return no_bookmark(job_name);
    std::string bookmark = "{}";
    if (!run_id.empty()) {
      MORTAR_ASSIGN_OR_RETURN(auto after, read_run(tx, account_id, job_name, run_id));
      if (!after)
        return not_found(fmt::format(
            "Continuation for job {} run {} not found: that run did not commit the bookmark",
            job_name, run_id));
      bookmark = after->bookmark;
    }
    MORTAR_ASSIGN_OR_RETURN(
        int64_t changed,
        tx.exec("UPDATE job_bookmarks SET version = version + 1, bookmark = ?, updated_micros = ? "
                "WHERE account_id = ? AND job_name = ? AND version = ?",
                {bookmark, clock_.now_micros(), account_id, job_name, entry->version}));
    if (changed != 1)
      return concurrent_modification(fmt::format(
          "the job bookmark of {} changed while it was being reset; try again", job_name));
    result = *entry;
    result.version = entry->version + 1;
    result.bookmark = bookmark;
    return ok_status();
  }));
  return result;
}

Status JobBookmarks::forget(const std::string& account_id, const std::string& job_name) {
  return run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_RETURN_IF_ERROR(
        tx.exec("DELETE FROM job_bookmark_runs WHERE account_id = ? AND job_name = ?",
                {account_id, job_name})
            .status());
    return tx
        .exec("DELETE FROM job_bookmarks WHERE account_id = ? AND job_name = ?",
              {account_id, job_name})
        .status();
  });
}

}  // namespace mortar::jobs
