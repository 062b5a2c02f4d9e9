#include "jobs/job_rows.h"

#include "catalog/row_lock.h"
#include "store/stored_json.h"

namespace mortar::jobs {
namespace {

using store::Value;

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "jobs and job runs",
       "CREATE TABLE jobs ("
       "  account_id TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, tags TEXT NOT NULL,"
       "  PRIMARY KEY (account_id, name));"
       // seq orders the run queue and GetJobRuns (newest first).
       "CREATE TABLE job_runs ("
       "  seq {{AUTO_ID}}, account_id TEXT NOT NULL, run_id TEXT NOT NULL,"
       "  job_name TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL,"
       "  created_micros BIGINT NOT NULL, server_id TEXT NOT NULL, heartbeat_micros BIGINT,"
       "  exec_start_micros BIGINT, credential_key TEXT NOT NULL, origin TEXT NOT NULL);"
       "CREATE UNIQUE INDEX job_runs_by_id ON job_runs (account_id, run_id);"
       "CREATE INDEX job_runs_by_job ON job_runs (account_id, job_name, seq);"
       "CREATE INDEX job_runs_by_state ON job_runs (state, server_id, seq)"},
  };
  return kMigrations;
}

StatusOr<Json> parse(const std::string& text) { return store::parse_stored_json(text, "job"); }

StatusOr<JobRow> job_from(const store::Row& r) {
  JobRow row;
  row.name = r.text_at(0);
  MORTAR_ASSIGN_OR_RETURN(row.body, parse(r.text_at(1)));
  MORTAR_ASSIGN_OR_RETURN(row.tags, parse(r.text_at(2)));
  return row;
}

constexpr const char* kRunColumns =
    "seq, account_id, run_id, job_name, state, body, created_micros, server_id, heartbeat_micros, "
    "exec_start_micros, credential_key, origin";

StatusOr<RunRow> run_from(const store::Row& r) {
  RunRow row;
  row.seq = r.int_at(0);
  row.account = r.text_at(1);
  row.run_id = r.text_at(2);
  row.job_name = r.text_at(3);
  row.state = r.text_at(4);
  MORTAR_ASSIGN_OR_RETURN(row.body, parse(r.text_at(5)));
  row.created_micros = r.int_at(6);
  row.server_id = r.text_at(7);
  if (!r.is_null(8)) row.heartbeat_micros = r.int_at(8);
  if (!r.is_null(9)) row.exec_start_micros = r.int_at(9);
  row.credential_key = r.text_at(10);
  MORTAR_ASSIGN_OR_RETURN(row.origin, parse(r.text_at(11)));
  return row;
}

StatusOr<std::vector<RunRow>> runs_from(const std::vector<store::Row>& rows) {
  std::vector<RunRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(RunRow row, run_from(r));
    out.push_back(std::move(row));
  }
  return out;
}

Value opt(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(std::monostate{}); }

}  // namespace

Status migrate_job_rows(store::Store& store) { return store.migrate("jobs", migrations()); }

bool is_final_state(const std::string& state) {
  return state == "SUCCEEDED" || state == "FAILED" || state == "TIMEOUT" || state == "STOPPED" ||
         state == "ERROR" || state == "EXPIRED";
}

StatusOr<std::optional<JobRow>> load_job(store::Transaction& tx, const std::string& account,
                                         const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows,
      tx.query("SELECT name, body, tags FROM jobs WHERE account_id=? AND name=?", {account, name}));
  if (rows.empty()) return std::optional<JobRow>();
  MORTAR_ASSIGN_OR_RETURN(JobRow row, job_from(rows[0]));
  return std::optional<JobRow>(std::move(row));
}

StatusOr<JobRow> require_job(store::Transaction& tx, const std::string& account,
                             const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto row, load_job(tx, account, name));
  if (!row) return not_found("Job with name: " + name + " not found");
  return std::move(*row);
}

StatusOr<JobRow> require_job_for_write(store::Transaction& tx, const std::string& account,
                                       const std::string& name) {
  MORTAR_RETURN_IF_ERROR(
      catalog::lock_rows(tx, "jobs", "tags", "account_id=? AND name=?", {account, name}).status());
  return require_job(tx, account, name);
}

Status insert_job(store::Transaction& tx, const std::string& account, const JobRow& row) {
  Status s = tx.exec("INSERT INTO jobs (account_id, name, body, tags) VALUES (?,?,?,?)",
                     {account, row.name, row.body.dump(), row.tags.dump()})
                 .status();
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("Job with name " + row.name + " already exists");
  }
  return s;
}

Status save_job(store::Transaction& tx, const std::string& account, const JobRow& row) {
  return tx
      .exec("UPDATE jobs SET body=?, tags=? WHERE account_id=? AND name=?",
            {row.body.dump(), row.tags.dump(), account, row.name})
      .status();
}

Status save_job_tags(store::Transaction& tx, const std::string& account, const std::string& name,
                     const Json& tags) {
  return tx
      .exec("UPDATE jobs SET tags=? WHERE account_id=? AND name=?", {tags.dump(), account, name})
      .status();
}

StatusOr<bool> delete_job_row(store::Transaction& tx, const std::string& account,
                              const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("DELETE FROM jobs WHERE account_id=? AND name=?", {account, name}));
  if (n == 0) return false;
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM job_runs WHERE account_id=? AND job_name=?", {account, name}).status());
  return true;
}

StatusOr<std::vector<JobRow>> list_jobs(store::Transaction& tx, const std::string& account,
                                        const std::string& after, int limit) {
  std::string sql = "SELECT name, body, tags FROM jobs WHERE account_id=? AND name>? ORDER BY name";
  std::vector<Value> params = {account, after};
  if (limit > 0) {
    sql += " LIMIT ?";
    params.emplace_back(static_cast<int64_t>(limit));
  }
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
  std::vector<JobRow> out;
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(JobRow row, job_from(r));
    out.push_back(std::move(row));
  }
  return out;
}

StatusOr<int64_t> insert_run(store::Transaction& tx, const RunRow& row) {
  Status s = tx.exec(
                   "INSERT INTO job_runs (account_id, run_id, job_name, state, body, "
                   "created_micros, server_id, heartbeat_micros, exec_start_micros, "
                   "credential_key, origin) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   {row.account, row.run_id, row.job_name, row.state, row.body.dump(),
                    row.created_micros, row.server_id, opt(row.heartbeat_micros),
                    opt(row.exec_start_micros), row.credential_key, row.origin.dump()})
                 .status();
  if (s.code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("Job run " + row.run_id + " already exists");
  }
  MORTAR_RETURN_IF_ERROR(s);
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT seq FROM job_runs WHERE account_id=? AND "
                                              "run_id=?",
                                              {row.account, row.run_id}));
  if (rows.empty()) return internal_error("job run vanished after insert");
  return rows[0].int_at(0);
}

StatusOr<bool> update_run_if(store::Transaction& tx, const RunRow& row, const std::string& from,
                             const std::optional<std::string>& server_id) {
  std::string sql =
      "UPDATE job_runs SET state=?, body=?, server_id=?, heartbeat_micros=?, "
      "exec_start_micros=?, credential_key=? WHERE seq=? AND state IN (" +
      from + ")";
  std::vector<Value> params = {row.state,
                               row.body.dump(),
                               row.server_id,
                               opt(row.heartbeat_micros),
                               opt(row.exec_start_micros),
                               row.credential_key,
                               row.seq};
  if (server_id) {
    sql += " AND server_id=?";
    params.emplace_back(*server_id);
  }
  MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec(sql, params));
  return n > 0;
}

StatusOr<std::optional<RunRow>> load_run(store::Transaction& tx, const std::string& account,
                                         const std::string& job_name, const std::string& run_id) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(std::string("SELECT ") + kRunColumns +
                              " FROM job_runs WHERE account_id=? AND run_id=? AND job_name=?",
                          {account, run_id, job_name}));
  if (rows.empty()) return std::optional<RunRow>();
  MORTAR_ASSIGN_OR_RETURN(RunRow row, run_from(rows[0]));
  return std::optional<RunRow>(std::move(row));
}

StatusOr<std::optional<RunRow>> load_run_by_seq(store::Transaction& tx, int64_t seq) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows,
      tx.query(std::string("SELECT ") + kRunColumns + " FROM job_runs WHERE seq=?", {seq}));
  if (rows.empty()) return std::optional<RunRow>();
  MORTAR_ASSIGN_OR_RETURN(RunRow row, run_from(rows[0]));
  return std::optional<RunRow>(std::move(row));
}

StatusOr<std::vector<RunRow>> list_runs(store::Transaction& tx, const std::string& account,
                                        const std::string& job_name, int64_t before_seq,
                                        int limit) {
  std::string sql =
      std::string("SELECT ") + kRunColumns + " FROM job_runs WHERE account_id=? AND job_name=?";
  std::vector<Value> params = {account, job_name};
  if (before_seq > 0) {
    sql += " AND seq<?";
    params.emplace_back(before_seq);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
  return runs_from(rows);
}

StatusOr<std::vector<RunRow>> runs_in_states(store::Transaction& tx, const std::string& account,
                                             const std::string& job_name,
                                             const std::string& states) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query(std::string("SELECT ") + kRunColumns +
                                       " FROM job_runs WHERE account_id=? AND job_name=? AND "
                                       "state IN (" +
                                       states + ") ORDER BY seq",
                                   {account, job_name}));
  return runs_from(rows);
}

StatusOr<int64_t> count_runs_in_states(store::Transaction& tx, const std::string& account,
                                       const std::string& job_name, const std::string& states) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT COUNT(*) FROM job_runs WHERE account_id=? "
                                              "AND job_name=? AND state IN (" +
                                                  states + ")",
                                              {account, job_name}));
  return rows.empty() ? 0 : rows[0].int_at(0);
}

StatusOr<std::vector<RunRow>> all_runs_in_states(store::Transaction& tx,
                                                 const std::string& states) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(std::string("SELECT ") + kRunColumns + " FROM job_runs WHERE state IN (" +
                          states + ") ORDER BY seq"));
  return runs_from(rows);
}

StatusOr<std::vector<RunRow>> runs_claimed_elsewhere(store::Transaction& tx,
                                                     const std::string& states,
                                                     const std::string& server_id) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(std::string("SELECT ") + kRunColumns + " FROM job_runs WHERE state IN (" +
                              states + ") AND server_id <> '' AND server_id <> ? ORDER BY seq",
                          {server_id}));
  return runs_from(rows);
}

}  // namespace mortar::jobs
