// jobs::CredentialIssuer over the account registry: each job run gets an
// access key of the job's account of its own (user "glue-job-run"), revoked
// when the run ends. Lives in server/ because jobs/ sits below api/.
#pragma once

#include "api/accounts.h"
#include "jobs/credential_issuer.h"

namespace mortar::server {

// Thread-safe (the registry is).
class AccountCredentialIssuer : public jobs::CredentialIssuer {
 public:
  // `accounts` must outlive the issuer.
  explicit AccountCredentialIssuer(api::AccountRegistry& accounts) : accounts_(accounts) {}
  StatusOr<jobs::RunCredentials> issue(const std::string& account_id,
                                       const std::string& run_id) override;
  Status revoke(const std::string& access_key_id) override;

 private:
  api::AccountRegistry& accounts_;
};

}  // namespace mortar::server
