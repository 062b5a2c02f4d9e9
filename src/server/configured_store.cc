#include "server/configured_store.h"

#include "server/config.h"
#include "server/data_dir.h"

namespace mortar::server {

StatusOr<std::unique_ptr<store::Store>> ConfiguredStore::open() const {
  return store::open_store(url, sqlite_path, pool_size);
}

StatusOr<ConfiguredStore> configured_store(const std::string& data_dir) {
  ConfigSources sources;
  sources.flags["data_dir"] = data_dir;
  MORTAR_ASSIGN_OR_RETURN(Config config, load_config(sources));
  ConfiguredStore out;
  out.url = config.store_url;
  out.sqlite_path = DataDir(data_dir).file("catalog.db");
  out.pool_size = static_cast<int>(config.store_pool_size);
  return out;
}

}  // namespace mortar::server
