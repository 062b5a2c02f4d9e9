// The Data Catalog: databases, tables and their versions, partitions,
// indexes, statistics, connections, functions, tags and the audit trail,
// persisted in the Store. Entities travel as JSON objects shaped exactly as
// botocore's Glue model (Database, Table, Partition ...), so the api layer
// passes them through. Every mutation is one write transaction that also
// records its audit entry. Thread-safe.
//
// (Contract header: the catalog helper owns and grows this file.)
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace mortar::catalog {

class Catalog {
 public:
  Catalog(store::Store& store, const Clock& clock);
  // Creates/upgrades the catalog's tables (components "catalog", then "partitions").
  static Status migrate(store::Store& store);

  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace mortar::catalog
