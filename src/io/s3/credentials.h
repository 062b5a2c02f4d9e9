// AWS credentials for the S3 client: a value type, the provider interface,
// and the generic providers (static, refreshing, the default chain). The
// individual sources (profiles, credential_process, container endpoint,
// EC2 instance metadata) are in credential_sources.h.
//
// Thread-safety: every provider here may be shared between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace mortar::io::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;       // temporary credentials; sent as x-amz-security-token
  int64_t expiration_seconds = 0;  // epoch seconds; 0 = does not expire
  bool empty() const { return access_key_id.empty(); }
};

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // Current credentials; empty Credentials mean "send unsigned requests".
  virtual StatusOr<Credentials> get() = 0;
  // Where they come from, for messages ("environment", "container endpoint" ...).
  virtual std::string source() const = 0;
};

class StaticCredentialsProvider : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials creds, std::string source = "static")
      : creds_(std::move(creds)), source_(std::move(source)) {}
  StatusOr<Credentials> get() override { return creds_; }
  std::string source() const override { return source_; }

 private:
  Credentials creds_;
  std::string source_;
};

std::shared_ptr<CredentialsProvider> static_credentials(Credentials creds);

// Caches what `fetch` returns and fetches again once fewer than
// refresh_window_seconds remain before Expiration (the SDKs refresh ahead
// too, so a request never goes out with credentials about to lapse). If a
// refresh fails while the old credentials are still valid they keep being
// used; once expired, the refresh error is returned.
class RefreshingCredentialsProvider : public CredentialsProvider {
 public:
  using Fetch = std::function<StatusOr<Credentials>()>;
  RefreshingCredentialsProvider(std::string source, Fetch fetch, const Clock& clock = Clock::real(),
                                int64_t refresh_window_seconds = 5 * 60);
  StatusOr<Credentials> get() override;
  std::string source() const override { return source_; }
  int fetch_count() const;  // for tests

 private:
  std::string source_;
  Fetch fetch_;
  const Clock& clock_;
  int64_t refresh_window_seconds_;
  mutable std::mutex mu_;
  std::optional<Credentials> cached_;  // guarded by mu_
  int fetches_ = 0;                    // guarded by mu_
};

// Where the default chain looks; every field defaults to the real thing
// (environment variables, ~/.aws, 169.254.169.254), tests override them.
struct CredentialsChainOptions {
  std::function<std::optional<std::string>(const std::string&)> getenv;  // null: ::getenv
  std::string container_relative_base = "http://169.254.170.2";
  std::string imds_default_endpoint = "http://169.254.169.254";
  const Clock* clock = nullptr;  // null: Clock::real()
};

// The AWS SDKs' default chain, in their order (first source configured wins):
//   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN)
//   2. shared credentials file, profile's aws_access_key_id/... keys
//   3. credential_process of the profile (config or credentials file)
//   4. config file, profile's aws_access_key_id/... keys
//   5. container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI
//   6. EC2 instance metadata (IMDSv2) unless AWS_EC2_METADATA_DISABLED=true
// The choice is made once, on the first get(), so nothing is probed before
// S3 is used; temporary credentials from 3, 5 and 6 are refreshed ahead of
// their Expiration. Nothing found -> empty Credentials (unsigned requests).
class DefaultCredentialsChain : public CredentialsProvider {
 public:
  explicit DefaultCredentialsChain(CredentialsChainOptions options = {});
  StatusOr<Credentials> get() override;
  std::string source() const override;

 private:
  StatusOr<std::shared_ptr<CredentialsProvider>> resolve() const;

  CredentialsChainOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<CredentialsProvider> chosen_;  // guarded by mu_
};

}  // namespace mortar::io::s3
