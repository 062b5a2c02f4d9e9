// `mortar serve` configuration. Every key can be set in four places; the
// first one that has it wins:
//   1. a command-line flag   --auth-mode open        ("." and "_" -> "-")
//   2. an environment var    MORTAR_AUTH_MODE=open   ("." -> "_", upper-case)
//   3. <data_dir>/mortar.toml  [auth] mode = "open"  (dotted keys are tables)
//   4. the built-in default
// data_dir itself comes only from a flag, the environment or the default,
// since mortar.toml lives inside it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mortar::server {

struct Config {
  std::string listen = "127.0.0.1:8787";
  std::string data_dir = "./.mortar";
  std::string auth_mode = "sigv4";     // "sigv4" | "open"
  std::string default_account_id;      // 12 digits; empty: chosen on first start
  int64_t max_body_bytes = 10 * 1024 * 1024;
  int64_t max_connections = 10000;
  int64_t threads = 0;                 // HTTP worker threads; 0: one per core
  std::string region = "us-east-1";
  std::string auth_regions;            // comma-separated; more regions clients may sign for
  std::string log_format = "text";     // "text" | "json"
  std::string log_level = "info";      // trace|debug|info|warn|error|off
  int64_t header_timeout_seconds = 10;
  int64_t idle_timeout_seconds = 75;
  int64_t io_timeout_seconds = 60;
  int64_t shutdown_grace_seconds = 30;
  int64_t audit_retention_days = 90;   // 0: keep audit entries regardless of age
  int64_t audit_max_rows = 1'000'000;  // 0: no row limit
  int64_t table_cache_mb = 16;         // parsed table bodies
  int64_t partition_cache_mb = 16;     // parsed partition bodies
  int64_t scheduler_leader_check_seconds = 5;
  int64_t crawl_heartbeat_timeout_seconds = 30;  // a silent server's crawl is FAILED after this  // scheduler leadership: retry / check interval
  int64_t jobs_max_concurrent_runs = 4;          // job runs this server executes at once
  int64_t jobs_heartbeat_timeout_seconds = 30;   // a silent server's job run is FAILED after this
  int64_t jobs_warm_pool_size = 1;   // pre-started interpreters per Python environment; 0: off
  int64_t logs_retention_days = 30;  // Glue's log groups without a policy; 0: forever
  std::string event_webhooks;        // comma-separated URLs state-change events are POSTed to
  int64_t event_max_attempts = 8;    // per event and URL, then the dead-letter file
  int64_t event_poll_interval_seconds = 10;  // event sources: rules re-read, S3 listed, dirs polled
  // "" (SQLite in data_dir) or a PostgreSQL URL; may hold a password: never
  // log or echo it.
  std::string store_url;
  int64_t store_pool_size = 8;  // PostgreSQL connections at most

  // Parsed from `listen`.
  std::string host = "127.0.0.1";
  uint16_t port = 8787;
  // `region` followed by the other regions of `auth.regions`: the regions a
  // SigV4 credential scope may name.
  std::vector<std::string> regions;

  // Where each key's value came from: "flag", "env", "toml" or "default".
  std::map<std::string, std::string> origin;
};

struct ConfigKey {
  const char* key;  // dotted toml path, e.g. "auth.mode"
  const char* help;
  std::string Config::*text = nullptr;  // exactly one of text / number is set
  int64_t Config::*number = nullptr;
  bool list = false;  // a text key that toml may also give as an array of strings

  const char* type_name() const { return number ? "INT" : list ? "LIST" : "TEXT"; }

  std::string env_name() const;   // MORTAR_AUTH_MODE
  std::string flag_name() const;  // --auth-mode
};

// Every configuration key, in a stable order (for --help and docs).
const std::vector<ConfigKey>& config_keys();

struct ConfigSources {
  std::map<std::string, std::string> flags;  // by key ("auth.mode") -> raw value
  // Environment lookup; unset means the process environment.
  std::function<std::optional<std::string>(const std::string& name)> env;
};

// Merges the sources, reads <data_dir>/mortar.toml if it exists, and checks
// every value. Unknown toml keys are reported in `warnings`, not fatal.
StatusOr<Config> load_config(const ConfigSources& sources,
                             std::vector<std::string>* warnings = nullptr);

// "host:port" or "[v6]:port" -> host, port.
Status parse_listen(const std::string& listen, std::string* host, uint16_t* port);

}  // namespace mortar::server
