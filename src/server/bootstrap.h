// First-start set-up of accounts: makes sure the default account exists and,
// when the data dir has no credentials file yet, creates an admin access key
// for it and writes <data_dir>/credentials. Safe to run on every start.
#pragma once

#include <optional>
#include <string>

#include "api/accounts.h"
#include "server/data_dir.h"

namespace mortar::server {

struct BootstrapResult {
  std::string default_account_id;
  bool created_account = false;
  std::optional<api::AccessKey> new_admin_key;  // set when a key was created now
};

// `configured_account_id`: from config (flag/env/toml), may be empty. Else the
// remembered one is used, else a random one is chosen and remembered.
StatusOr<BootstrapResult> bootstrap_accounts(const DataDir& data_dir, api::AccountRegistry& registry,
                                             const std::string& configured_account_id);

}  // namespace mortar::server
