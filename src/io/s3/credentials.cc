#include "io/s3/credentials.h"

#include <fstream>
#include <sstream>

#include "common/ascii.h"
#include "io/s3/aws_config.h"
#include "io/s3/credential_sources.h"

namespace mortar::io::s3 {

std::shared_ptr<CredentialsProvider> static_credentials(Credentials creds) {
  return std::make_shared<StaticCredentialsProvider>(std::move(creds));
}

RefreshingCredentialsProvider::RefreshingCredentialsProvider(std::string source, Fetch fetch,
                                                             const Clock& clock,
                                                             int64_t refresh_window_seconds)
    : source_(std::move(source)),
      fetch_(std::move(fetch)),
      clock_(clock),
      refresh_window_seconds_(refresh_window_seconds) {}

StatusOr<Credentials> RefreshingCredentialsProvider::get() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = clock_.now_seconds();
  auto fresh = [&](const Credentials& c) {
    return c.expiration_seconds == 0 || now < c.expiration_seconds - refresh_window_seconds_;
  };
  if (cached_ && fresh(*cached_)) return *cached_;
  ++fetches_;
  StatusOr<Credentials> next = fetch_();
  if (next.ok()) {
    cached_ = *next;
    return next;
  }
  if (cached_ && (cached_->expiration_seconds == 0 || now < cached_->expiration_seconds)) {
    return *cached_;  // refresh failed, but the old ones are still good for a while
  }
  return annotate(next.status(), "credentials from " + source_);
}

int RefreshingCredentialsProvider::fetch_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

DefaultCredentialsChain::DefaultCredentialsChain(CredentialsChainOptions options)
    : options_(std::move(options)) {
  if (!options_.getenv) options_.getenv = process_environment();
  if (options_.clock == nullptr) options_.clock = &Clock::real();
}

StatusOr<Credentials> DefaultCredentialsChain::get() {
  std::shared_ptr<CredentialsProvider> chosen;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!chosen_) {
      MORTAR_ASSIGN_OR_RETURN(chosen_, resolve());
    }
    chosen = chosen_;
  }
  return chosen->get();
}

std::string DefaultCredentialsChain::source() const {
  std::lock_guard<std::mutex> lock(mu_);
  return chosen_ ? chosen_->source() : "default chain (not resolved yet)";
}

StatusOr<std::shared_ptr<CredentialsProvider>> DefaultCredentialsChain::resolve() const {
  const EnvLookup& env = options_.getenv;
  const Clock& clock = *options_.clock;
  auto value = [&](const char* name) {
    auto v = env(name);
    return v ? *v : std::string();
  };
  auto refreshing = [&](std::string source, RefreshingCredentialsProvider::Fetch fetch)
      -> StatusOr<std::shared_ptr<CredentialsProvider>> {
    auto p = std::make_shared<RefreshingCredentialsProvider>(std::move(source), std::move(fetch),
                                                             clock);
    MORTAR_RETURN_IF_ERROR(p->get().status());  // a configured source that fails is an error
    return std::shared_ptr<CredentialsProvider>(p);
  };

  // 1. Environment.
  Credentials from_env{value("AWS_ACCESS_KEY_ID"), value("AWS_SECRET_ACCESS_KEY"),
                       value("AWS_SESSION_TOKEN")};
  if (!from_env.access_key_id.empty() && !from_env.secret_access_key.empty()) {
    return std::shared_ptr<CredentialsProvider>(
        std::make_shared<StaticCredentialsProvider>(from_env, "environment"));
  }

  // 2-4. The profile: credentials file keys, credential_process, config file keys.
  AwsProfileSettings profile = load_aws_profile(env);
  if (Credentials c = credentials_from_profile(profile.credentials); !c.empty()) {
    return std::shared_ptr<CredentialsProvider>(std::make_shared<StaticCredentialsProvider>(
        c, "shared credentials file " + profile.credentials_path + " [" + profile.name + "]"));
  }
  if (auto command = profile.get("credential_process"); command && !command->empty()) {
    std::string cmd = *command;
    return refreshing("credential_process of profile " + profile.name,
                      [cmd] { return process_credentials(cmd); });
  }
  if (Credentials c = credentials_from_profile(profile.config); !c.empty()) {
    return std::shared_ptr<CredentialsProvider>(std::make_shared<StaticCredentialsProvider>(
        c, "config file " + profile.config_path + " [" + profile.name + "]"));
  }

  // 5. Container endpoint (ECS task role, EKS pod identity).
  std::string relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!relative.empty() || !full.empty()) {
    std::string url = !relative.empty() ? options_.container_relative_base + relative : full;
    if (relative.empty() && !allowed_container_uri(url)) {
      return invalid_input("AWS_CONTAINER_CREDENTIALS_FULL_URI " + url +
                           " must be https or a loopback/ECS/EKS address");
    }
    std::string token_file = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    std::string token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    return refreshing("container endpoint " + url, [url, token_file, token]() -> StatusOr<Credentials> {
      std::string auth = token;
      if (!token_file.empty()) {  // re-read each time: the agent rotates it
        std::ifstream in(token_file);
        if (!in) return not_found("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + token_file + " not readable");
        std::stringstream ss;
        ss << in.rdbuf();
        auth = ss.str();
        while (!auth.empty() && (auth.back() == '\n' || auth.back() == '\r')) auth.pop_back();
      }
      return container_credentials(url, auth);
    });
  }

  // 6. EC2 instance metadata; when it does not answer there are no credentials.
  std::string disabled = ascii_lower(value("AWS_EC2_METADATA_DISABLED"));
  if (disabled != "true") {
    std::string endpoint = value("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (endpoint.empty()) endpoint = options_.imds_default_endpoint;
    long timeout_millis = 1000;
    int attempts = 1;
    if (std::string t = value("AWS_METADATA_SERVICE_TIMEOUT"); !t.empty()) {
      timeout_millis = std::max(1L, std::atol(t.c_str())) * 1000;
    }
    if (std::string a = value("AWS_METADATA_SERVICE_NUM_ATTEMPTS"); !a.empty()) {
      attempts = std::max(1, std::atoi(a.c_str()));
    }
    auto fetch = [endpoint, timeout_millis, attempts] {
      return instance_metadata_credentials(endpoint, timeout_millis, attempts);
    };
    auto p = std::make_shared<RefreshingCredentialsProvider>("EC2 instance metadata " + endpoint,
                                                             fetch, clock);
    if (p->get().ok()) return std::shared_ptr<CredentialsProvider>(p);
  }
  return std::shared_ptr<CredentialsProvider>(
      std::make_shared<StaticCredentialsProvider>(Credentials{}, "none (unsigned requests)"));
}

}  // namespace mortar::io::s3
