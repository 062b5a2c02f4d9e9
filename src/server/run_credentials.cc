#include "server/run_credentials.h"

namespace mortar::server {

StatusOr<jobs::RunCredentials> AccountCredentialIssuer::issue(const std::string& account_id,
                                                              const std::string& run_id) {
  (void)run_id;  // the run's row keeps the key id; IAM user names cannot hold a run id
  MORTAR_ASSIGN_OR_RETURN(api::AccessKey key,
                          accounts_.create_access_key(account_id, "glue-job-run"));
  return jobs::RunCredentials{key.access_key_id, key.secret_access_key};
}

Status AccountCredentialIssuer::revoke(const std::string& access_key_id) {
  Status s = accounts_.revoke_access_key(access_key_id);
  return s.code() == absl::StatusCode::kNotFound ? ok_status() : s;
}

}  // namespace mortar::server
