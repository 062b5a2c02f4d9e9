// `mortar admin migrate-store`: moves a data dir's SQLite catalog into an
// empty PostgreSQL (or any store open_store() names), so several servers can
// share it. Both stores are brought to the current schema first (every
// component's migrations), then store::copy_store() copies every table in one
// target transaction and the counts are checked again after commit.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"
#include "store/store_copy.h"

namespace mortar::server {

// Runs the migrations of every component that keeps tables in the store
// (auth, catalog, partitions, crawlers, crawl manifests): what a starting
// server would run.
Status migrate_all_components(store::Store& store);

struct MigrateStoreOptions {
  std::string data_dir;         // the source: its catalog.db
  std::string target_url;       // "postgresql://..." (never printed: it may hold a password)
  std::ostream* out = nullptr;  // the per-table summary, when set
};

// Fails, copying nothing, when the data dir has no catalog.db, when a server
// is listening on it, or when the target's catalog is not empty.
StatusOr<std::vector<store::CopiedTable>> migrate_store(const MigrateStoreOptions& options);

}  // namespace mortar::server
