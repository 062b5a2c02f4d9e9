// Accounts, principals and access keys, persisted in the Store (component
// "auth"). Each account has exactly one Data Catalog whose CatalogId is the
// 12-digit account id. Secrets are stored as given (SigV4 needs the secret
// itself to verify), so the data dir must stay private (0700/0600).
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace mortar::api {

struct Account {
  std::string account_id;  // 12 digits
  std::string name;
  int64_t created_at = 0;  // epoch seconds
};

struct AccessKey {
  std::string access_key_id;  // "AKIA" + 16 upper-case alphanumerics
  std::string secret_access_key;
  std::string account_id;
  std::string user_name;      // principal arn:aws:iam::<account>:user/<user_name>
  bool active = true;
  int64_t created_at = 0;
};

class AccountRegistry {
 public:
  AccountRegistry(store::Store& store, const Clock& clock);
  static Status migrate(store::Store& store);

  // account_id empty -> a random 12-digit id.
  StatusOr<Account> create_account(const std::string& name, const std::string& account_id = "");
  StatusOr<std::vector<Account>> list_accounts();
  StatusOr<AccessKey> create_access_key(const std::string& account_id, const std::string& user_name);
  StatusOr<std::vector<AccessKey>> list_access_keys(const std::string& account_id = "");
  Status revoke_access_key(const std::string& access_key_id);
  // An active key, or NotFound.
  StatusOr<AccessKey> find_active_key(const std::string& access_key_id);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace mortar::api
