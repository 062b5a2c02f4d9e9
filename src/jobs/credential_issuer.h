// Short-lived credentials of a job run's own: issued when the run starts,
// revoked when it ends (also for runs recovered after a crash, from the key
// id the run's row keeps). server/ implements it over api::AccountRegistry,
// which jobs/ sits below.
//
// Thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "jobs/run_executor.h"

namespace mortar::jobs {

class CredentialIssuer {
 public:
  virtual ~CredentialIssuer() = default;
  // A new access key of `account_id`, for the run `run_id`.
  virtual StatusOr<RunCredentials> issue(const std::string& account_id,
                                         const std::string& run_id) = 0;
  // Revokes the key; OK when it is already gone.
  virtual Status revoke(const std::string& access_key_id) = 0;
};

}  // namespace mortar::jobs
