// `mortar admin`: accounts, access keys and the audit trail, read and written
// straight in the store (safe while a server runs: SQLite WAL): the data dir's
// SQLite, or the PostgreSQL its store.url names (configured_store.h).
#include <fmt/format.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>

#include "api/accounts.h"
#include "catalog/audit.h"
#include "common/utc_time.h"
#include "server/commands.h"
#include "server/configured_store.h"
#include "server/data_dir.h"
#include "server/migrate_store.h"
#include "server/parts.h"
#include "store/store.h"

namespace mortar::server {
namespace {

struct AdminContext {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<api::AccountRegistry> registry;
};

std::string resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("MORTAR_DATA_DIR"); env && *env) return env;
  return "./.mortar";
}

[[noreturn]] void fail(const Status& s) {
  std::cerr << "mortar admin: " << s.message() << "\n";
  throw CLI::RuntimeError(1);
}

// Opens the store (migrated), runs fn, closes the store.
void with_store(const std::string& data_dir_flag, const std::function<Status(AdminContext&)>& fn) {
  const DataDir dir(resolve_data_dir(data_dir_flag));
  Status s = dir.ensure_exists();
  if (!s.ok()) fail(s);
  auto where = configured_store(dir.root());
  if (!where.ok()) fail(where.status());
  auto store = where->open();
  if (!store.ok()) fail(store.status());
  AdminContext ctx;
  ctx.store = std::move(store).value();
  s = migrate_components(*ctx.store).status();
  if (!s.ok()) fail(s);
  ctx.registry = std::make_unique<api::AccountRegistry>(*ctx.store, Clock::real());
  s = fn(ctx);
  Status closed = ctx.store->close();
  if (!s.ok()) fail(s);
  if (!closed.ok()) fail(closed);
}

std::string format_time(int64_t epoch_seconds) { return utc_timestamp(epoch_seconds); }

void add_accounts(CLI::App& admin, std::shared_ptr<std::string> data_dir) {
  CLI::App* accounts = admin.add_subcommand("accounts", "Create and list accounts");
  accounts->require_subcommand(1);
  accounts->fallthrough();

  CLI::App* create = accounts->add_subcommand("create", "Create an account (one Data Catalog)");
  create->fallthrough();
  auto name = std::make_shared<std::string>("account");
  auto id = std::make_shared<std::string>();
  create->add_option("--name", *name, "a name for people")->capture_default_str();
  create->add_option("--id", *id, "the 12-digit account id (default: random)");
  create->callback([=] {
    with_store(*data_dir, [&](AdminContext& ctx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(api::Account a, ctx.registry->create_account(*name, *id));
      std::cout << a.account_id << "\n";
      return ok_status();
    });
  });

  CLI::App* list = accounts->add_subcommand("list", "List accounts");
  list->fallthrough();
  list->callback([=] {
    with_store(*data_dir, [&](AdminContext& ctx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(std::vector<api::Account> all, ctx.registry->list_accounts());
      std::cout << fmt::format("{:<14}{:<22}{}\n", "ACCOUNT_ID", "CREATED", "NAME");
      for (const auto& a : all) {
        std::cout << fmt::format("{:<14}{:<22}{}\n", a.account_id, format_time(a.created_at),
                                 a.name);
      }
      return ok_status();
    });
  });
}

void add_keys(CLI::App& admin, std::shared_ptr<std::string> data_dir) {
  CLI::App* keys = admin.add_subcommand("keys", "Create, list and revoke access keys");
  keys->require_subcommand(1);
  keys->fallthrough();

  CLI::App* create =
      keys->add_subcommand("create", "Create an access key for a user of an account");
  create->fallthrough();
  auto account = std::make_shared<std::string>();
  auto user = std::make_shared<std::string>();
  create->add_option("--account", *account, "12-digit account id")->required();
  create->add_option("--user", *user, "user name (principal arn:aws:iam::<account>:user/<name>)")
      ->required();
  create->callback([=] {
    with_store(*data_dir, [&](AdminContext& ctx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(api::AccessKey k, ctx.registry->create_access_key(*account, *user));
      std::cout << "aws_access_key_id = " << k.access_key_id << "\n"
                << "aws_secret_access_key = " << k.secret_access_key << "\n";
      return ok_status();
    });
  });

  CLI::App* list = keys->add_subcommand("list", "List access keys (secrets are not shown)");
  list->fallthrough();
  auto list_account = std::make_shared<std::string>();
  list->add_option("--account", *list_account, "only this account's keys");
  list->callback([=] {
    with_store(*data_dir, [&](AdminContext& ctx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(std::vector<api::AccessKey> all,
                              ctx.registry->list_access_keys(*list_account));
      std::cout << fmt::format("{:<22}{:<14}{:<10}{:<22}{}\n", "ACCESS_KEY_ID", "ACCOUNT_ID",
                               "STATUS", "CREATED", "USER");
      for (const auto& k : all) {
        std::cout << fmt::format("{:<22}{:<14}{:<10}{:<22}{}\n", k.access_key_id, k.account_id,
                                 k.active ? "active" : "revoked", format_time(k.created_at),
                                 k.user_name);
      }
      return ok_status();
    });
  });

  CLI::App* revoke =
      keys->add_subcommand("revoke", "Revoke an access key (it stops working at once)");
  revoke->fallthrough();
  auto key_id = std::make_shared<std::string>();
  revoke->add_option("KEY", *key_id, "access key id")->required();
  revoke->callback([=] {
    with_store(*data_dir, [&](AdminContext& ctx) -> Status {
      MORTAR_RETURN_IF_ERROR(ctx.registry->revoke_access_key(*key_id));
      std::cout << "revoked " << *key_id << "\n";
      return ok_status();
    });
  });
}

void add_audit(CLI::App& admin, std::shared_ptr<std::string> data_dir) {
  CLI::App* audit = admin.add_subcommand("audit", "Print the audit trail, newest first");
  audit->fallthrough();
  auto limit = std::make_shared<int>(50);
  audit->add_option("--limit", *limit, "entries at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  audit->callback([=] {
    with_store(*data_dir, [&](AdminContext& ctx) -> Status {
      MORTAR_ASSIGN_OR_RETURN(std::vector<catalog::AuditEntry> entries,
                              catalog::list_audit(*ctx.store, *limit));
      for (const auto& e : entries) {
        std::cout << format_time(e.time_micros / 1000000) << "  " << e.account_id << "  "
                  << e.principal << "  " << e.operation << "  " << e.resource << "  " << e.outcome
                  << "  " << e.request_id << "\n";
      }
      return ok_status();
    });
  });
}

void add_migrate_store(CLI::App& admin, std::shared_ptr<std::string> data_dir) {
  CLI::App* cmd = admin.add_subcommand(
      "migrate-store",
      "Copy a data dir's SQLite catalog (everything in it) into an empty PostgreSQL database");
  cmd->fallthrough();
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  cmd->add_option("--from", *from,
                  "the data dir whose catalog.db is copied (stop its server first) "
                  "[default: --data-dir]");
  cmd->add_option("--to", *to,
                  "the target store, postgresql://USER@HOST:PORT/DB (libpq URI; password from "
                  "PGPASSWORD or PGPASSFILE) [env MORTAR_STORE_URL]");
  cmd->callback([=] {
    MigrateStoreOptions options;
    options.data_dir = from->empty() ? resolve_data_dir(*data_dir) : *from;
    options.target_url = *to;
    if (options.target_url.empty()) {
      if (const char* env = std::getenv("MORTAR_STORE_URL"); env) options.target_url = env;
    }
    options.out = &std::cout;
    auto copied = migrate_store(options);
    if (!copied.ok()) fail(copied.status());
  });
}

}  // namespace

void add_admin_command(CLI::App& app) {
  CLI::App* admin = app.add_subcommand("admin",
                                       "Manage accounts, access keys and the audit trail in a data "
                                       "dir; move its catalog to PostgreSQL");
  admin->require_subcommand(1);
  auto data_dir = std::make_shared<std::string>();
  admin->add_option("--data-dir", *data_dir,
                    "data directory [env MORTAR_DATA_DIR, default ./.mortar]");
  add_accounts(*admin, data_dir);
  add_keys(*admin, data_dir);
  add_audit(*admin, data_dir);
  add_migrate_store(*admin, data_dir);
}

}  // namespace mortar::server
