// For the commands that read a data dir's store without a server (`mortar
// logs`, `mortar crawler plan`): resolve the data dir (--data-dir, else
// $MORTAR_DATA_DIR, else ./.mortar) and the account (--account, else the data
// dir's default), and open the store as `mortar serve` would (SQLite WAL is
// safe to read while a server runs; PostgreSQL from any machine).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace mortar::server {

struct CommandStore {
  std::unique_ptr<store::Store> store;
  std::string account;
};

// Prints "<command>: <why>" and throws CLI::RuntimeError(1) when the data
// dir, its default account or the store is missing.
CommandStore open_command_store(const std::string& data_dir_flag, const std::string& account_flag,
                                const std::string& command);

// Prints `message` to stderr and throws CLI::RuntimeError(1).
[[noreturn]] void command_fail(const std::string& message);

}  // namespace mortar::server
