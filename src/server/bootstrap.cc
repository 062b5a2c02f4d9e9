#include "server/bootstrap.h"

#include <algorithm>

#include "server/shared_settings.h"

namespace mortar::server {

namespace {
constexpr const char* kDefaultAccountSetting = "default_account_id";
}  // namespace

StatusOr<BootstrapResult> bootstrap_accounts(const DataDir& data_dir, store::Store& store,
                                             api::AccountRegistry& registry,
                                             const std::string& configured_account_id) {
  BootstrapResult result;
  MORTAR_ASSIGN_OR_RETURN(std::optional<std::string> remembered, data_dir.default_account_id());
  MORTAR_ASSIGN_OR_RETURN(std::string shared, read_setting(store, kDefaultAccountSetting));
  std::string wanted = !configured_account_id.empty() ? configured_account_id
                       : !shared.empty()              ? shared
                                                      : remembered.value_or("");

  MORTAR_ASSIGN_OR_RETURN(std::vector<api::Account> accounts, registry.list_accounts());
  const bool exists =
      !wanted.empty() && std::any_of(accounts.begin(), accounts.end(), [&](const api::Account& a) {
        return a.account_id == wanted;
      });
  if (exists) {
    result.default_account_id = wanted;
  } else {
    // wanted empty: the registry picks a random 12-digit id.
    MORTAR_ASSIGN_OR_RETURN(api::Account account, registry.create_account("default", wanted));
    result.default_account_id = account.account_id;
    result.created_account = true;
  }
  MORTAR_ASSIGN_OR_RETURN(
      shared, agree_on_setting(store, kDefaultAccountSetting, result.default_account_id));
  if (configured_account_id.empty() && shared != result.default_account_id) {
    // Another server starting at the same moment set it first: use its account.
    result.default_account_id = shared;
    result.created_account = false;
  }
  if (remembered != result.default_account_id) {
    MORTAR_RETURN_IF_ERROR(data_dir.set_default_account_id(result.default_account_id));
  }

  if (!data_dir.has_credentials() && (result.created_account || !store.shared())) {
    MORTAR_ASSIGN_OR_RETURN(api::AccessKey key,
                            registry.create_access_key(result.default_account_id, "admin"));
    MORTAR_RETURN_IF_ERROR(data_dir.write_credentials(key.access_key_id, key.secret_access_key));
    result.new_admin_key = std::move(key);
  }
  return result;
}

}  // namespace mortar::server
