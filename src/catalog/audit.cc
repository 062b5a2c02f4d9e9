#include "catalog/audit.h"

namespace mortar::catalog {

Status record_audit(store::Transaction& tx, const AuditEntry& e) {
  return tx
      .exec("INSERT INTO audit_log(time_micros, account_id, principal, operation, resource,"
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

}  // namespace mortar::catalog
