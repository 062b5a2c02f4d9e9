#include "jobs/run_claims.h"

#include "store/dialect.h"

namespace mortar::jobs {

StatusOr<std::optional<RunRow>> claim_next_run(store::Transaction& tx, std::string_view dialect,
                                               const std::string& server_id, int64_t now_micros) {
  std::string pick =
      "SELECT seq FROM job_runs WHERE state='STARTING' AND server_id='' ORDER BY seq LIMIT 1";
  if (dialect == store::kPostgres) pick += " FOR UPDATE SKIP LOCKED";
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(pick));
  if (rows.empty()) return std::optional<RunRow>();
  const int64_t seq = rows[0].int_at(0);
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("UPDATE job_runs SET server_id=?, heartbeat_micros=? WHERE seq=? AND "
                         "state='STARTING' AND server_id=''",
                         {server_id, now_micros, seq}));
  if (n == 0) return std::optional<RunRow>();  // taken meanwhile; the caller tries again later
  return load_run_by_seq(tx, seq);
}

StatusOr<std::optional<std::string>> touch_run(store::Transaction& tx, int64_t seq,
                                               const std::string& server_id, int64_t now_micros) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec(std::string("UPDATE job_runs SET heartbeat_micros=? WHERE seq=? AND "
                                     "server_id=? AND state IN (") +
                             kInFlightStates + ")",
                         {now_micros, seq, server_id}));
  if (n == 0) return std::optional<std::string>();
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT state FROM job_runs WHERE seq=?", {seq}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].text_at(0));
}

}  // namespace mortar::jobs

namespace mortar::jobs {

StatusOr<bool> give_up_run(store::Transaction& tx, const RunRow& row, const std::string& owner,
                           int64_t cutoff_micros) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n,
      tx.exec(std::string("UPDATE job_runs SET state=?, body=? WHERE seq=? AND server_id=? AND "
                          "state IN (") +
                  kInFlightStates + ") AND (heartbeat_micros IS NULL OR heartbeat_micros < ?)",
              {row.state, row.body.dump(), row.seq, owner, cutoff_micros}));
  return n > 0;
}

StatusOr<bool> unclaim_run(store::Transaction& tx, int64_t seq, const std::string& owner) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n,
                          tx.exec("UPDATE job_runs SET server_id='', heartbeat_micros=NULL WHERE "
                                  "seq=? AND server_id=? AND state='STARTING'",
                                  {seq, owner}));
  return n > 0;
}

}  // namespace mortar::jobs
