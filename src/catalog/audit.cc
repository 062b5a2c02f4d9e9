#include "catalog/audit.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

namespace mortar::catalog {

Status record_audit(store::Transaction& tx, const AuditEntry& e) {
  return tx
      .exec(
          "INSERT INTO audit_log(time_micros, account_id, principal, operation, resource,"
          " request_id, outcome) VALUES(?,?,?,?,?,?,?)",
          {e.time_micros, e.account_id, e.principal, e.operation, e.resource, e.request_id,
           e.outcome})
      .status();
}

StatusOr<std::vector<AuditEntry>> list_audit(store::Store& store, int limit) {
  std::vector<AuditEntry> out;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store, [&](store::Transaction& tx) {
    out.clear();
    MORTAR_ASSIGN_OR_RETURN(
        auto rows, tx.query("SELECT time_micros, account_id, principal, operation, resource,"
                            " request_id, outcome FROM audit_log ORDER BY id DESC LIMIT ?",
                            {int64_t{limit}}));
    for (const auto& r : rows) {
      out.push_back({r.int_at(0), r.text_at(1), r.text_at(2), r.text_at(3), r.text_at(4),
                     r.text_at(5), r.text_at(6)});
    }
    return ok_status();
  }));
  return out;
}

namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

// The lowest id to keep: every row below it is beyond the retention; nullopt
// when nothing is. Found in a read transaction, outside the write lock.
//  - By count: the id of the max_rows-th newest row. Ids increase but are not
//    dense on PostgreSQL (an identity skips the values of rolled-back
//    inserts), so the boundary is counted, not computed from max(id); the
//    scan walks the primary key down from the newest row.
//  - By age: the first row within the window, scanning up from the oldest;
//    every row before it is older than the window. Rows are appended in time
//    order (bar milliseconds between concurrent calls), so this is the age
//    boundary. The scan stops where this call's deleting would stop anyway.
StatusOr<std::optional<int64_t>> keep_from(store::Store& store, const AuditRetention& r,
                                           int64_t now_micros) {
  std::optional<int64_t> keep;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store, [&](store::Transaction& tx) {
    keep.reset();
    MORTAR_ASSIGN_OR_RETURN(auto range, tx.query("SELECT min(id), max(id) FROM audit_log"));
    if (range.empty() || range[0].is_null(0)) return ok_status();  // empty
    const int64_t min_id = range[0].int_at(0), max_id = range[0].int_at(1);
    int64_t from = min_id;
    if (r.max_rows > 0) {
      MORTAR_ASSIGN_OR_RETURN(
          auto nth,
          tx.query("SELECT id FROM audit_log ORDER BY id DESC LIMIT 1 OFFSET ?", {r.max_rows - 1}));
      if (!nth.empty()) from = std::max(from, nth[0].int_at(0));
    }
    if (r.max_age_days > 0) {
      const int64_t cutoff = now_micros - r.max_age_days * kMicrosPerDay;
      const int64_t scan_to = std::min(max_id, min_id + r.batch_rows * r.max_batches);
      MORTAR_ASSIGN_OR_RETURN(auto young,
                              tx.query("SELECT id FROM audit_log WHERE id <= ? AND time_micros >= ?"
                                       " ORDER BY id LIMIT 1",
                                       {scan_to, cutoff}));
      from = std::max(from, young.empty() ? scan_to + 1 : young[0].int_at(0));
    }
    if (from > min_id) keep = from;
    return ok_status();
  }));
  return keep;
}

}  // namespace

StatusOr<int64_t> prune_audit(store::Store& store, const AuditRetention& r, int64_t now_micros) {
  if ((r.max_age_days <= 0 && r.max_rows <= 0) || r.batch_rows <= 0) return 0;
  MORTAR_ASSIGN_OR_RETURN(std::optional<int64_t> keep, keep_from(store, r, now_micros));
  if (!keep) return 0;
  int64_t deleted = 0;
  for (int64_t batch = 0; batch < r.max_batches; ++batch) {
    if (batch > 0) {
      // Let writers queued on the store's single writer in before the next batch.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    int64_t n = 0;
    MORTAR_RETURN_IF_ERROR(store::run_in_write_transaction(store, [&](store::Transaction& tx) {
      MORTAR_ASSIGN_OR_RETURN(
          n, tx.exec("DELETE FROM audit_log WHERE id IN"
                     " (SELECT id FROM audit_log WHERE id < ? ORDER BY id LIMIT ?)",
                     {*keep, r.batch_rows}));
      return ok_status();
    }));
    deleted += n;
    if (n < r.batch_rows) break;
  }
  return deleted;
}

}  // namespace mortar::catalog
