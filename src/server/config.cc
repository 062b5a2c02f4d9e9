#include "server/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string_view>

#include "store/store.h"

namespace mortar::server {
namespace {

constexpr const char* kDataDirKey = "data_dir";

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

StatusOr<int64_t> parse_int(const std::string& where, const std::string& text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return invalid_input(where + ": expected an integer, got '" + text + "'");
  }
  return v;
}

Status set_from_string(Config& config, const ConfigKey& key, const std::string& where,
                       const std::string& value) {
  if (key.text != nullptr) {
    config.*key.text = value;
    return ok_status();
  }
  MORTAR_ASSIGN_OR_RETURN(config.*key.number, parse_int(where, value));
  return ok_status();
}

void flatten(const toml::table& table, const std::string& prefix,
             std::map<std::string, const toml::node*>& out) {
  for (auto&& [k, v] : table) {
    std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table()) {
      flatten(*sub, path, out);
    } else {
      out[path] = &v;
    }
  }
}

Status set_from_toml(Config& config, const ConfigKey& key, const std::string& file,
                     const toml::node& node) {
  const std::string where = file + ": " + key.key;
  if (key.list && node.is_array()) {
    std::string joined;
    for (const toml::node& item : *node.as_array()) {
      if (!item.is_string()) return invalid_input(where + " must be an array of strings");
      joined += (joined.empty() ? "" : ",") + *item.value<std::string>();
    }
    config.*key.text = joined;
  } else if (key.text != nullptr) {
    auto v = node.value<std::string>();
    if (!v || !node.is_string()) return invalid_input(where + " must be a string");
    config.*key.text = *v;
  } else {
    if (!node.is_integer()) return invalid_input(where + " must be an integer");
    config.*key.number = *node.value<int64_t>();
  }
  return ok_status();
}

Status check_range(const Config& c, const char* key, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) {
    return invalid_input(std::string(key) + " must be between " + std::to_string(lo) + " and " +
                         std::to_string(hi) + ", got " + std::to_string(v) + " (from " +
                         c.origin.at(key) + ")");
  }
  return ok_status();
}

Status check_one_of(const Config& c, const char* key, const std::string& v,
                    std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (v == a) return ok_status();
    list += list.empty() ? a : std::string(", ") + a;
  }
  return invalid_input(std::string(key) + " must be one of " + list + ", got '" + v + "' (from " +
                       c.origin.at(key) + ")");
}

Status check_region(const Config& c, const char* key, const std::string& region) {
  if (region.empty() ||
      region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return invalid_input(std::string(key) + " must name regions like us-east-1, got '" + region +
                         "' (from " + c.origin.at(key) + ")");
  }
  return ok_status();
}

Status validate(Config& c) {
  MORTAR_RETURN_IF_ERROR(parse_listen(c.listen, &c.host, &c.port));
  MORTAR_RETURN_IF_ERROR(check_one_of(c, "auth.mode", c.auth_mode, {"sigv4", "open"}));
  MORTAR_RETURN_IF_ERROR(check_one_of(c, "log.format", c.log_format, {"text", "json"}));
  MORTAR_RETURN_IF_ERROR(check_one_of(c, "log.level", c.log_level,
                                      {"trace", "debug", "info", "warn", "error", "off"}));
  if (!c.default_account_id.empty()) {
    bool digits = c.default_account_id.size() == 12 &&
                  c.default_account_id.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
      return invalid_input("default_account_id must be 12 digits, got '" + c.default_account_id +
                           "' (from " + c.origin.at("default_account_id") + ")");
    }
  }
  MORTAR_RETURN_IF_ERROR(check_region(c, "region", c.region));
  c.regions = {c.region};
  for (std::string_view rest = c.auth_regions; !rest.empty();) {
    const size_t comma = rest.find(',');
    std::string region(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    region.erase(0, region.find_first_not_of(' '));
    region.erase(region.find_last_not_of(' ') + 1);
    MORTAR_RETURN_IF_ERROR(check_region(c, "auth.regions", region));
    if (std::find(c.regions.begin(), c.regions.end(), region) == c.regions.end()) {
      c.regions.push_back(region);
    }
  }
  if (c.data_dir.empty()) return invalid_input("data_dir must not be empty");
  MORTAR_RETURN_IF_ERROR(check_range(c, "max_body_bytes", c.max_body_bytes, 1024, 1LL << 30));
  MORTAR_RETURN_IF_ERROR(check_range(c, "max_connections", c.max_connections, 1, 1000000));
  MORTAR_RETURN_IF_ERROR(check_range(c, "threads", c.threads, 0, 256));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "http.header_timeout_seconds", c.header_timeout_seconds, 1, 3600));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "http.idle_timeout_seconds", c.idle_timeout_seconds, 1, 86400));
  MORTAR_RETURN_IF_ERROR(check_range(c, "http.io_timeout_seconds", c.io_timeout_seconds, 1, 86400));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "shutdown_grace_seconds", c.shutdown_grace_seconds, 0, 3600));
  MORTAR_RETURN_IF_ERROR(check_range(c, "audit.retention_days", c.audit_retention_days, 0, 36500));
  MORTAR_RETURN_IF_ERROR(check_range(c, "audit.max_rows", c.audit_max_rows, 0, 1LL << 40));
  MORTAR_RETURN_IF_ERROR(check_range(c, "catalog.table_cache_mb", c.table_cache_mb, 0, 1 << 20));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "catalog.partition_cache_mb", c.partition_cache_mb, 0, 1 << 20));
  MORTAR_RETURN_IF_ERROR(check_range(c, "scheduler.leader_check_seconds",
                                     c.scheduler_leader_check_seconds, 1, 3600));
  MORTAR_RETURN_IF_ERROR(check_range(c, "crawler.heartbeat_timeout_seconds",
                                     c.crawl_heartbeat_timeout_seconds, 2, 86400));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "jobs.max_concurrent_runs", c.jobs_max_concurrent_runs, 1, 10000));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "jobs.heartbeat_timeout_seconds", c.jobs_heartbeat_timeout_seconds, 3, 86400));
  MORTAR_RETURN_IF_ERROR(check_range(c, "jobs.warm_pool_size", c.jobs_warm_pool_size, 0, 64));
  MORTAR_RETURN_IF_ERROR(check_range(c, "logs.retention_days", c.logs_retention_days, 0, 36500));
  MORTAR_RETURN_IF_ERROR(check_range(c, "events.max_attempts", c.event_max_attempts, 1, 100));
  MORTAR_RETURN_IF_ERROR(
      check_range(c, "events.poll_interval_seconds", c.event_poll_interval_seconds, 1, 3600));
  // The URL may hold a password: the message never quotes it.
  if (!c.store_url.empty() && !store::is_postgres_url(c.store_url)) {
    return invalid_input(
        "store.url (from " + c.origin.at("store.url") +
        ") must start with postgresql:// or postgres:// (unset: SQLite in the data dir)");
  }
  MORTAR_RETURN_IF_ERROR(check_range(c, "store.pool_size", c.store_pool_size, 1, 1000));
  return ok_status();
}

}  // namespace

std::string ConfigKey::env_name() const {
  std::string name = "MORTAR_";
  for (const char* p = key; *p; ++p) {
    name.push_back(*p == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p))));
  }
  return name;
}

std::string ConfigKey::flag_name() const {
  std::string name = "--";
  for (const char* p = key; *p; ++p) name.push_back(*p == '.' || *p == '_' ? '-' : *p);
  return name;
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"listen", "HOST:PORT to listen on (PORT 0: any free port)", &Config::listen},
      {kDataDirKey, "data directory (catalog, credentials, mortar.toml)", &Config::data_dir},
      {"auth.mode", "sigv4 (default) or open (accepts any signature; for local tests only)",
       &Config::auth_mode},
      {"default_account_id", "12-digit id of the default account (chosen on first start)",
       &Config::default_account_id},
      {"max_body_bytes", "largest request body accepted (larger: 413)", nullptr,
       &Config::max_body_bytes},
      {"max_connections", "open connections at most", nullptr, &Config::max_connections},
      {"threads", "HTTP worker threads (0: one per core)", nullptr, &Config::threads},
      {"region", "the AWS region Mortar serves (in ARNs; SigV4 scopes must name it)",
       &Config::region},
      {"auth.regions",
       "more regions SigV4 scopes may name, comma-separated (for multi-region test setups)",
       &Config::auth_regions, nullptr, true},
      {"log.format", "text or json (one JSON object per line)", &Config::log_format},
      {"log.level", "trace, debug, info, warn, error or off", &Config::log_level},
      {"http.header_timeout_seconds", "time allowed to send a request header", nullptr,
       &Config::header_timeout_seconds},
      {"http.idle_timeout_seconds", "idle keep-alive connections are closed after this", nullptr,
       &Config::idle_timeout_seconds},
      {"http.io_timeout_seconds", "time allowed to send a body or read a response", nullptr,
       &Config::io_timeout_seconds},
      {"shutdown_grace_seconds", "on SIGTERM, time in-flight requests get to finish", nullptr,
       &Config::shutdown_grace_seconds},
      {"audit.retention_days", "audit entries older than this many days are pruned (0: none)",
       nullptr, &Config::audit_retention_days},
      {"audit.max_rows", "the audit trail keeps at most this many newest entries (0: no limit)",
       nullptr, &Config::audit_max_rows},
      {"catalog.table_cache_mb", "memory for parsed table bodies (GetTable), MiB (0: no cache)",
       nullptr, &Config::table_cache_mb},
      {"catalog.partition_cache_mb",
       "memory for parsed partition bodies (GetPartitions), MiB (0: no cache)", nullptr,
       &Config::partition_cache_mb},
      {"scheduler.leader_check_seconds",
       "how often a server tries to become the scheduler leader, and the leader checks it still is",
       nullptr, &Config::scheduler_leader_check_seconds},
      {"crawler.heartbeat_timeout_seconds",
       "a RUNNING crawl whose server sent no heartbeat (every 5 s, or a third of this when "
       "shorter) for this long is marked FAILED",
       nullptr, &Config::crawl_heartbeat_timeout_seconds},
      {"jobs.max_concurrent_runs",
       "job runs this server executes at once; more started runs wait in STARTING until a slot "
       "frees",
       nullptr, &Config::jobs_max_concurrent_runs},
      {"jobs.heartbeat_timeout_seconds",
       "a job run whose server sent no heartbeat (every third of this, at most 2 s) for this long "
       "is FAILED, or retried when it has retries left",
       nullptr, &Config::jobs_heartbeat_timeout_seconds},
      {"jobs.warm_pool_size",
       "pre-started Python interpreters (fork servers) per Python environment, so runs start in "
       "milliseconds (0: every run starts a fresh interpreter)",
       nullptr, &Config::jobs_warm_pool_size},
      {"logs.retention_days",
       "log events of Glue's groups (/aws-glue/...) without a retention policy of their own are "
       "deleted after this many days (0: kept forever)",
       nullptr, &Config::logs_retention_days},
      {"events.webhooks",
       "URLs that Glue's state-change events (EventBridge's shape) are POSTed to, comma-separated",
       &Config::event_webhooks, nullptr, true},
      {"events.max_attempts",
       "delivery attempts per event and URL before it goes to <data_dir>/events/dead-letter.jsonl",
       nullptr, &Config::event_max_attempts},
      {"events.poll_interval_seconds",
       "event sources (EventBridge rules for mortar.files directories and aws.s3 buckets): how "
       "often rules are re-read, S3 prefixes listed and directories without inotify scanned",
       nullptr, &Config::event_poll_interval_seconds},
      {"store.url",
       "PostgreSQL to keep the state in, a libpq URL postgresql://user@host:5432/db?sslmode=... "
       "(password from the URL, PGPASSFILE or PGPASSWORD); unset: SQLite in the data dir",
       &Config::store_url},
      {"store.pool_size", "PostgreSQL connections at most (concurrent transactions)", nullptr,
       &Config::store_pool_size},
  };
  return keys;
}

Status parse_listen(const std::string& listen, std::string* host, uint16_t* port) {
  std::string h, p;
  if (!listen.empty() && listen[0] == '[') {
    size_t close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return invalid_input("listen must be HOST:PORT or [IPv6]:PORT, got '" + listen + "'");
    }
    h = listen.substr(1, close - 1);
    p = listen.substr(close + 2);
  } else {
    size_t colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return invalid_input("listen must be HOST:PORT, got '" + listen + "'");
    }
    h = listen.substr(0, colon);
    p = listen.substr(colon + 1);
  }
  auto n = parse_int("listen port", p);
  if (!n.ok() || *n < 0 || *n > 65535) {
    return invalid_input("listen port must be 0..65535, got '" + p + "'");
  }
  *host = h;
  *port = static_cast<uint16_t>(*n);
  return ok_status();
}

StatusOr<Config> load_config(const ConfigSources& sources, std::vector<std::string>* warnings) {
  auto env = sources.env ? sources.env : process_env;
  Config config;
  for (const ConfigKey& key : config_keys()) config.origin[key.key] = "default";

  // data_dir first: mortar.toml lives there.
  const ConfigKey& data_dir_key = config_keys()[1];
  if (auto it = sources.flags.find(kDataDirKey); it != sources.flags.end()) {
    config.data_dir = it->second;
    config.origin[kDataDirKey] = "flag";
  } else if (auto v = env(data_dir_key.env_name())) {
    config.data_dir = *v;
    config.origin[kDataDirKey] = "env";
  }

  std::map<std::string, const toml::node*> toml_values;
  toml::table table;
  const std::string toml_path = config.data_dir + "/mortar.toml";
  std::error_code fs_error;
  if (std::filesystem::exists(toml_path, fs_error)) {
    try {
      table = toml::parse_file(toml_path);
    } catch (const toml::parse_error& e) {
      const auto& where = e.source().begin;
      return invalid_input(toml_path + ":" + std::to_string(where.line) + ":" +
                           std::to_string(where.column) + ": " + std::string(e.description()));
    }
    flatten(table, "", toml_values);
    std::set<std::string> known;
    for (const ConfigKey& key : config_keys()) known.insert(key.key);
    for (const auto& [path, node] : toml_values) {
      if (!known.count(path) && warnings) {
        warnings->push_back(toml_path + ": unknown key '" + path + "' ignored");
      }
    }
  }

  for (const ConfigKey& key : config_keys()) {
    if (std::string(key.key) == kDataDirKey) continue;
    std::string& origin = config.origin[key.key];
    if (auto it = sources.flags.find(key.key); it != sources.flags.end()) {
      MORTAR_RETURN_IF_ERROR(set_from_string(config, key, key.flag_name(), it->second));
      origin = "flag";
    } else if (auto v = env(key.env_name())) {
      MORTAR_RETURN_IF_ERROR(set_from_string(config, key, key.env_name(), *v));
      origin = "env";
    } else if (auto t = toml_values.find(key.key); t != toml_values.end()) {
      MORTAR_RETURN_IF_ERROR(set_from_toml(config, key, toml_path, *t->second));
      origin = "toml";
    }
  }
  if (auto t = toml_values.find(kDataDirKey); t != toml_values.end() && warnings) {
    warnings->push_back(toml_path + ": data_dir cannot be set inside the data dir; ignored");
  }
  MORTAR_RETURN_IF_ERROR(validate(config));
  return config;
}

}  // namespace mortar::server
