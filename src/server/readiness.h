// GET /readyz: whether this server can serve. Ready when the store answers a
// read transaction and its schema_migrations holds, for every component this
// binary migrates, at least the newest version the binary knows (a store
// restored from an old backup, or one migrated by a different binary, is
// not). /healthz stays pure liveness.
// Thread-safe (each check is its own read transaction).
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace mortar::server {

// Store component ("auth", "catalog", "crawlers" ...) -> the newest
// migration version this binary knows for it.
using SchemaVersions = std::map<std::string, int, std::less<>>;

class Readiness {
 public:
  // `store` must outlive this.
  Readiness(store::Store& store, SchemaVersions expected)
      : store_(store), expected_(std::move(expected)) {}

  // OK when ready, else Unavailable with a short reason.
  Status check() const;

 private:
  store::Store& store_;
  const SchemaVersions expected_;
};

}  // namespace mortar::server
