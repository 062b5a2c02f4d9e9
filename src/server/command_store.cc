#include "server/command_store.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "server/configured_store.h"
#include "server/data_dir.h"

namespace mortar::server {

void command_fail(const std::string& message) {
  std::cerr << message << "\n";
  throw CLI::RuntimeError(1);
}

CommandStore open_command_store(const std::string& data_dir_flag, const std::string& account_flag,
                                const std::string& command) {
  std::string root = data_dir_flag;
  if (root.empty()) {
    const char* env = std::getenv("MORTAR_DATA_DIR");
    root = env && *env ? env : "./.mortar";
  }
  const DataDir dir(root);
  // On PostgreSQL the data dir keeps only local things (the default account).
  auto where = configured_store(dir.root());
  if (!where.ok()) command_fail(command + ": " + std::string(status_message(where.status())));
  if (where->is_sqlite() && !std::ifstream(dir.file("catalog.db"))) {
    command_fail(command + ": no Mortar data dir at " + dir.root() +
                 (data_dir_flag.empty() ? " (pass --data-dir DIR or set MORTAR_DATA_DIR)" : ""));
  }
  CommandStore out;
  out.account = account_flag;
  if (out.account.empty()) {
    auto remembered = dir.default_account_id();
    if (!remembered.ok() || !remembered->has_value()) {
      command_fail(command + ": no default account in " + dir.root() + " (pass --account)");
    }
    out.account = **remembered;
  }
  auto store = where->open();
  if (!store.ok()) command_fail(command + ": " + store.status().ToString());
  out.store = std::move(*store);
  return out;
}

}  // namespace mortar::server
