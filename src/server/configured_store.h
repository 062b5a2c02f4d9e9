// The store of a data dir as `mortar serve` would open it, for the commands
// that work on a data dir without a server (`mortar admin`, `mortar logs
// crawler`, `mortar crawler plan`): store.url from MORTAR_STORE_URL or the data
// dir's mortar.toml names a PostgreSQL; unset, the data dir's catalog.db.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace mortar::server {

struct ConfiguredStore {
  std::string url;  // "" for the data dir's SQLite (never print it: it may hold a password)
  std::string sqlite_path;
  int pool_size = 8;

  bool is_sqlite() const { return url.empty(); }
  StatusOr<std::unique_ptr<store::Store>> open() const;
};

// Reads the configuration of `data_dir` (environment and mortar.toml; no flags).
StatusOr<ConfiguredStore> configured_store(const std::string& data_dir);

}  // namespace mortar::server
