// `mortar admin migrate-store`: moves a data dir's SQLite catalog into an
// empty PostgreSQL (or any store open_store() names), so several servers can
// share it. Both stores are brought to the current schema first
// (migrate_components(), what a starting server runs), then store::copy_store() copies every table in one
// target transaction and the counts are checked again after commit.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"
#include "store/store_copy.h"

namespace mortar::server {

struct MigrateStoreOptions {
  std::string data_dir;         // the source: its catalog.db
  std::string target_url;       // "postgresql://..." (never printed: it may hold a password)
  std::ostream* out = nullptr;  // the per-table summary, when set
};

// Fails, copying nothing, when the data dir has no catalog.db, when a server
// holds it (its server.lock), or when the target's catalog is not empty.
StatusOr<std::vector<store::CopiedTable>> migrate_store(const MigrateStoreOptions& options);

}  // namespace mortar::server
