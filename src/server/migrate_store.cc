#include "server/migrate_store.h"

#include <fmt/format.h>

#include <filesystem>

#include "server/data_dir.h"
#include "server/data_dir_lock.h"
#include "server/parts.h"

namespace mortar::server {

StatusOr<std::vector<store::CopiedTable>> migrate_store(const MigrateStoreOptions& options) {
  if (options.target_url.empty()) {
    return absl::InvalidArgumentError(
        "--to: the target store's URL (postgresql://...) is required");
  }
  const DataDir dir(options.data_dir);
  const std::string db_path = dir.file("catalog.db");
  if (!std::filesystem::is_regular_file(db_path)) {
    return absl::NotFoundError(
        fmt::format("--from {}: no catalog.db there (not a Mortar data dir)", options.data_dir));
  }
  // Held through the copy: no server may write rows the copy would miss.
  auto lock = DataDirLock::acquire(options.data_dir, /*create=*/false);
  if (!lock.ok()) {
    return absl::FailedPreconditionError(
        fmt::format("--from: {}: stop it first, so nothing it writes after the copy is lost",
                    std::string(lock.status().message())));
  }
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> source, store::open_sqlite_store(db_path));
  MORTAR_RETURN_IF_ERROR(migrate_components(*source).status());
  auto target = store::open_store(options.target_url, "");
  if (!target.ok()) {
    return Status(target.status().code(),
                  "--to: opening the target store: " + std::string(target.status().message()));
  }
  MORTAR_RETURN_IF_ERROR(migrate_components(**target).status());

  std::ostream* out = options.out;
  if (out) *out << fmt::format("{:<32}{:>12}\n", "TABLE", "ROWS");
  store::CopyOptions copy;
  copy.on_table = [out](const store::CopiedTable& t) {
    if (out) *out << fmt::format("{:<32}{:>12}\n", t.name, t.rows) << std::flush;
  };
  MORTAR_ASSIGN_OR_RETURN(std::vector<store::CopiedTable> copied,
                          store::copy_store(*source, **target, copy));

  // Counted again in a fresh snapshot: what the servers will see.
  std::vector<std::string> names;
  for (const auto& t : copied) names.push_back(t.name);
  MORTAR_ASSIGN_OR_RETURN(std::vector<int64_t> counts, store::count_rows(**target, names));
  int64_t total = 0;
  for (size_t i = 0; i < copied.size(); ++i) {
    if (counts[i] != copied[i].rows) {
      return absl::InternalError(fmt::format("table {}: copied {} rows but the target now has {}",
                                             copied[i].name, copied[i].rows, counts[i]));
    }
    total += counts[i];
  }
  MORTAR_RETURN_IF_ERROR((*target)->close());
  MORTAR_RETURN_IF_ERROR(source->close());
  if (out) {
    *out << fmt::format("copied {} tables, {} rows; row counts verified in the target.\n",
                        copied.size(), total);
    auto account = dir.default_account_id();
    if (account.ok() && account->has_value()) {
      *out << fmt::format(
          "Start servers with --store-url and --default-account-id {} (or this data dir), "
          "so the default account stays {}.\n",
          **account, **account);
    }
  }
  return copied;
}

}  // namespace mortar::server
