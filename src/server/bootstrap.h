// First-start set-up of accounts: makes sure the default account exists and,
// when the data dir has no credentials file yet, creates an admin access key
// for it and writes <data_dir>/credentials. Safe to run on every start.
#pragma once

#include <optional>
#include <string>

#include "api/accounts.h"
#include "server/data_dir.h"
#include "store/store.h"

namespace mortar::server {

struct BootstrapResult {
  std::string default_account_id;
  bool created_account = false;
  std::optional<api::AccessKey> new_admin_key;  // set when a key was created now
};

// `configured_account_id`: from config (flag/env/toml), may be empty. Else the
// store's shared default account (the first server's, so every server on one
// PostgreSQL answers as the same account), else the data dir's remembered one,
// else a random one is chosen and remembered. On a shared store an admin key
// is created only with the account: the first server prints it.
StatusOr<BootstrapResult> bootstrap_accounts(const DataDir& data_dir, store::Store& store,
                                             api::AccountRegistry& registry,
                                             const std::string& configured_account_id);

}  // namespace mortar::server
