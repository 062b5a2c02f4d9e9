#include "io/s3/credential_sources.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "io/s3/http_fetch.h"
#include "io/s3/s3_xml.h"

namespace mortar::io::s3 {
namespace {

std::string string_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Retries transport errors and 5xx a few times with a short pause.
StatusOr<FetchResult> fetch_with_retries(const std::string& method, const std::string& url,
                                         const std::map<std::string, std::string>& headers,
                                         long timeout_millis, int attempts) {
  StatusOr<FetchResult> last = internal_error("no attempt made");
  for (int i = 0; i < std::max(1, attempts); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << i));
    last = http_fetch(method, url, headers, timeout_millis);
    if (last.ok() && last->status < 500) return last;
  }
  return last;
}

std::string host_of(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  if (!host.empty() && host.front() == '[') return host.substr(1, host.find(']') - 1);
  if (size_t colon = host.rfind(':'); colon != std::string::npos) host.resize(colon);
  return host;
}

}  // namespace

Credentials credentials_from_profile(const std::map<std::string, std::string>& profile) {
  Credentials c;
  auto get = [&](const char* k) {
    auto it = profile.find(k);
    return it == profile.end() ? std::string() : it->second;
  };
  c.access_key_id = get("aws_access_key_id");
  c.secret_access_key = get("aws_secret_access_key");
  c.session_token = get("aws_session_token");
  if (c.secret_access_key.empty()) c.access_key_id.clear();  // half a key pair is no key
  return c;
}

StatusOr<Credentials> parse_credentials_json(const std::string& text, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return invalid_input(what + ": the response is not a JSON object");
  if (auto code = string_member(j, "Code"); !code.empty() && code != "Success") {
    return access_denied(what + ": Code " + code + ": " + string_member(j, "Message"));
  }
  Credentials c;
  c.access_key_id = string_member(j, "AccessKeyId");
  c.secret_access_key = string_member(j, "SecretAccessKey");
  c.session_token = string_member(j, "Token");
  if (c.session_token.empty()) c.session_token = string_member(j, "SessionToken");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return invalid_input(what + ": the response lacks AccessKeyId or SecretAccessKey");
  }
  if (std::string exp = string_member(j, "Expiration"); !exp.empty()) {
    int64_t micros = parse_iso8601_micros(exp);
    if (micros == 0) return invalid_input(what + ": unreadable Expiration '" + exp + "'");
    c.expiration_seconds = micros / 1000000;
  }
  return c;
}

StatusOr<Credentials> process_credentials(const std::string& command) {
  std::string what = "credential_process '" + command + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return internal_error(what + ": cannot start it");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0 && out.size() < (1 << 20)) out.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) {
    int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return access_denied(what + " failed (exit status " + std::to_string(code) + ")");
  }
  nlohmann::json j = nlohmann::json::parse(out, nullptr, false);
  if (j.is_object()) {
    auto v = j.find("Version");
    if (v == j.end() || !v->is_number_integer() || v->get<int>() != 1) {
      return invalid_input(what + ": output must have \"Version\": 1");
    }
  }
  return parse_credentials_json(out, what);
}

bool allowed_container_uri(const std::string& url) {
  if (url.starts_with("https://")) return true;
  if (!url.starts_with("http://")) return false;
  std::string host = host_of(url);
  in_addr v4{};
  bool loopback_v4 = inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
  return host == "localhost" || loopback_v4 || host == "::1" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23";
}

StatusOr<Credentials> container_credentials(const std::string& url,
                                            const std::string& authorization_token,
                                            long timeout_millis, int attempts) {
  std::string what = "container credentials endpoint " + url;
  std::map<std::string, std::string> headers{{"Accept", "application/json"}};
  if (!authorization_token.empty()) headers["Authorization"] = authorization_token;
  MORTAR_ASSIGN_OR_RETURN(FetchResult r,
                          fetch_with_retries("GET", url, headers, timeout_millis, attempts));
  if (r.status != 200) {
    return access_denied(what + ": HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200));
  }
  return parse_credentials_json(r.body, what);
}

StatusOr<Credentials> instance_metadata_credentials(const std::string& endpoint,
                                                    long timeout_millis, int attempts) {
  std::string base = endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string what = "EC2 instance metadata " + base;
  MORTAR_ASSIGN_OR_RETURN(
      FetchResult token,
      fetch_with_retries("PUT", base + "/latest/api/token",
                         {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}, timeout_millis,
                         attempts));
  if (token.status != 200 || token.body.empty()) {
    return access_denied(what + ": token request got HTTP " + std::to_string(token.status));
  }
  std::map<std::string, std::string> headers{{"X-aws-ec2-metadata-token", token.body}};
  std::string roles_url = base + "/latest/meta-data/iam/security-credentials/";
  MORTAR_ASSIGN_OR_RETURN(FetchResult roles,
                          fetch_with_retries("GET", roles_url, headers, timeout_millis, attempts));
  if (roles.status == 404) return not_found(what + ": no IAM role attached to this instance");
  if (roles.status != 200) {
    return access_denied(what + ": role lookup got HTTP " + std::to_string(roles.status));
  }
  std::string role = roles.body.substr(0, roles.body.find_first_of("\r\n"));
  if (role.empty()) return not_found(what + ": no IAM role attached to this instance");
  MORTAR_ASSIGN_OR_RETURN(FetchResult creds,
                          fetch_with_retries("GET", roles_url + role, headers, timeout_millis,
                                             attempts));
  if (creds.status != 200) {
    return access_denied(what + ": credentials of role " + role + " got HTTP " +
                         std::to_string(creds.status));
  }
  return parse_credentials_json(creds.body, what + " (role " + role + ")");
}

}  // namespace mortar::io::s3
