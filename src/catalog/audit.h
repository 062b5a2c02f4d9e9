// The audit trail: every mutating call is recorded (time, principal,
// operation, resource, request id, outcome). A successful change writes its
// entry in the same transaction as the change; a failed one in its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

struct AuditEntry {
  int64_t time_micros = 0;
  std::string account_id;
  std::string principal;
  std::string operation;   // "CreateTable"
  std::string resource;    // an ARN or "<db>/<table>"
  std::string request_id;
  std::string outcome;     // "OK" or the exception name
};

Status record_audit(store::Transaction& tx, const AuditEntry& entry);
// Newest first.
StatusOr<std::vector<AuditEntry>> list_audit(store::Store& store, int limit);

}  // namespace mortar::catalog
