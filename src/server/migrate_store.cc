#include "server/migrate_store.h"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "api/accounts.h"
#include "catalog/catalog.h"
#include "crawler/apply/crawl_runner.h"
#include "crawler/service/crawler_rows.h"
#include "server/data_dir.h"

namespace mortar::server {
namespace {

// True when something accepts connections at server.addr: a server still
// writes to the catalog, and rows it wrote after the copy's snapshot would be
// lost. A stale file left by a killed server does not count.
bool server_listening(const DataDir& dir) {
  auto addr = read_file(dir.file("server.addr"));
  if (!addr.ok()) return false;
  std::string text = *addr;
  while (!text.empty() && isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), text.substr(colon + 1).c_str(), &hints, &found) != 0) return false;
  bool listening = false;
  for (addrinfo* a = found; a != nullptr && !listening; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    listening = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    ::close(fd);
  }
  freeaddrinfo(found);
  return listening;
}

}  // namespace

Status migrate_all_components(store::Store& store) {
  MORTAR_RETURN_IF_ERROR(api::AccountRegistry::migrate(store));
  MORTAR_RETURN_IF_ERROR(catalog::Catalog::migrate(store));
  MORTAR_RETURN_IF_ERROR(crawler::migrate_crawler_rows(store));
  return crawler::CrawlRunner::migrate(store);
}

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
  if (server_listening(dir)) {
    return absl::FailedPreconditionError(fmt::format(
        "--from {}: a server is running on this data dir (server.addr answers): stop it first, "
        "so nothing it writes after the copy is lost",
        options.data_dir));
  }
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> source, store::open_sqlite_store(db_path));
  MORTAR_RETURN_IF_ERROR(migrate_all_components(*source));
  auto target = store::open_store(options.target_url, "");
  if (!target.ok()) {
    return Status(target.status().code(),
                  "--to: opening the target store: " + std::string(target.status().message()));
  }
  MORTAR_RETURN_IF_ERROR(migrate_all_components(**target));

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
