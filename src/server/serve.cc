#include "server/serve.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "api/accounts.h"
#include "api/service.h"
#include "common/ascii.h"
#include "http/http_server.h"
#include "server/bootstrap.h"
#include "server/commands.h"
#include "server/data_dir.h"
#include "server/data_dir_lock.h"
#include "server/logging.h"
#include "server/metrics.h"
#include "server/parts.h"
#include "server/readiness.h"
#include "server/router.h"
#include "server/shared_settings.h"
#include "server/timed_store.h"
#include "store/store.h"

namespace mortar::server {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void wait_for_signal() {
  sigset_t set = stop_signals();
  int sig = 0;
  sigwait(&set, &sig);
  log_event(LogLevel::kInfo, "shutting down", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  // A second signal means "now": skip waiting for in-flight requests.
  std::thread([set] {
    int again = 0;
    sigwait(&set, &again);
    log_event(LogLevel::kWarn, "second signal: exiting without finishing requests");
    _exit(1);
  }).detach();
}

std::string address_for_clients(const http::HttpServer& server) {
  std::string host = server.bound_host();
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + ":" + std::to_string(server.port());
}

// Many keep-alive clients need many descriptors: lift the soft limit to the hard one.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

void warn_open_mode(const std::string& account_id) {
  std::cerr << "\n"
               "**********************************************************************\n"
               "  WARNING: auth.mode = open. Mortar accepts ANY request, signed or not,\n"
               "  as account " << account_id << ". Use this only for local test suites;\n"
               "  never expose this server to a network.\n"
               "**********************************************************************\n\n";
  log_event(LogLevel::kWarn, "authentication is OFF (auth.mode=open)",
            {{"account", account_id}});
}

void print_first_start(std::ostream& out, const BootstrapResult& boot, const DataDir& dir,
                       const std::string& region, const std::string& address) {
  const api::AccessKey& key = *boot.new_admin_key;
  out << "Mortar created an admin access key for account " << boot.default_account_id
      << ",\nsaved in " << dir.file("credentials") << ". Configure the aws CLI with:\n\n"
      << "  aws configure set aws_access_key_id " << key.access_key_id << " --profile mortar\n"
      << "  aws configure set aws_secret_access_key " << key.secret_access_key
      << " --profile mortar\n"
      << "  aws configure set region " << region << " --profile mortar\n\n"
      << "then try:\n\n"
      << "  aws --profile mortar --endpoint-url http://" << address << " glue get-databases\n\n";
  out.flush();
}

// Stops the HTTP server when it goes out of scope: declared after the parts
// the handler uses, so no request reaches them once they are being destroyed.
struct StopHttpFirst {
  std::unique_ptr<http::HttpServer>& server;
  ~StopHttpFirst() {
    if (server) server->stop();
  }
};

// Trigger counters (schedule::TriggerStats); the parts outlive every scrape
// (the HTTP server stops first).
void add_trigger_gauges(Metrics& metrics, const schedule::TriggerService& triggers) {
  const schedule::TriggerService* t = &triggers;
  metrics.add_gauge("mortar_trigger_scheduled_fires", "Scheduled trigger fires since start-up.",
                    [t] { return static_cast<double>(t->stats().scheduled_fires); });
  metrics.add_gauge("mortar_trigger_conditional_fires", "Conditional trigger fires since start-up.",
                    [t] { return static_cast<double>(t->stats().conditional_fires); });
  metrics.add_gauge("mortar_trigger_on_demand_fires", "On-demand trigger starts since start-up.",
                    [t] { return static_cast<double>(t->stats().on_demand_fires); });
  metrics.add_gauge("mortar_trigger_failed_actions",
                    "Trigger actions that could not start their run or crawl.",
                    [t] { return static_cast<double>(t->stats().failed_actions); });
}

// Job runs (active ones across the store's servers, finished ones on this
// server since start-up), the warm pool and the log store's health.
void add_job_gauges(Metrics& metrics, Parts& parts) {
  Parts* p = &parts;
  for (const char* state : {"STARTING", "WAITING", "RUNNING", "STOPPING"}) {
    metrics.add_gauge("mortar_job_runs_" + ascii_lower(state),
                      std::string("Job runs in state ") + state + " on every server of the store.",
                      [p, s = std::string(state)] {
                        auto counts = p->jobs().active_runs_by_state();
                        if (!counts.ok()) return -1.0;  // the store did not answer
                        auto it = counts->find(s);
                        return it == counts->end() ? 0.0 : static_cast<double>(it->second);
                      });
  }
  metrics.add_gauge("mortar_job_runs_executing", "Job runs this server's processes execute now.",
                    [p] { return static_cast<double>(p->jobs().running_count()); });
  for (const char* state : {"SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED", "ERROR", "EXPIRED"}) {
    metrics.add_gauge(
        "mortar_job_runs_finished_" + ascii_lower(state),
        std::string("Job runs that ended ") + state + " on this server since start-up.",
        [p, s = std::string(state)] { return static_cast<double>(p->runs_finished(s)); });
  }
  if (const jobs::WarmPoolLauncher* pool = parts.warm_pool()) {
    metrics.add_gauge("mortar_warm_pool_ready", "Pre-started interpreters ready to fork runs.",
                      [pool] { return static_cast<double>(pool->stats().ready); });
    metrics.add_gauge("mortar_warm_pool_hits", "Python runs started warm since start-up.",
                      [pool] { return static_cast<double>(pool->stats().hits); });
    metrics.add_gauge("mortar_warm_pool_misses",
                      "Python runs started cold since start-up: no interpreter was ready.",
                      [pool] { return static_cast<double>(pool->stats().misses); });
  }
  metrics.add_histogram("mortar_job_run_duration_seconds",
                        "StartedOn to CompletedOn of the job runs that ended on this server.",
                        &parts.run_durations());
  metrics.add_histogram("mortar_schedule_lag_seconds",
                        "How late crawler schedules and SCHEDULED triggers fired after their "
                        "cron time, on this server.",
                        &parts.schedule_lag());
  metrics.add_gauge("mortar_crawls_started", "Crawls this server started since start-up.",
                    [p] { return static_cast<double>(p->crawls_reported("RUNNING")); });
  for (const char* status : {"SUCCEEDED", "FAILED", "CANCELLED"}) {
    metrics.add_gauge(
        "mortar_crawls_finished_" + ascii_lower(status),
        std::string("Crawls that ended ") + status + " on this server since start-up.",
        [p, s = std::string(status)] { return static_cast<double>(p->crawls_reported(s)); });
  }
  metrics.add_gauge("mortar_log_events_dropped",
                    "Run and crawl log lines dropped because the store could not keep up.",
                    [p] { return static_cast<double>(p->logs().dropped_events()); });
}

// EventBridge events (put and watched), their deliveries to workflows, and
// the EVENT trigger batches they made, on this server since start-up.
void add_event_gauges(Metrics& metrics, Parts& parts) {
  Parts* p = &parts;
  metrics.add_gauge("mortar_events_routed",
                    "Events (PutEvents and watched sources) matched "
                    "against the rules.",
                    [p] { return static_cast<double>(p->event_rules().stats().events); });
  metrics.add_gauge("mortar_events_delivered", "Events delivered to a workflow target.",
                    [p] { return static_cast<double>(p->event_rules().stats().deliveries); });
  metrics.add_gauge("mortar_events_files", "mortar.files events from watched directories.",
                    [p] { return static_cast<double>(p->event_sources().stats().files); });
  metrics.add_gauge("mortar_events_directories_watched",
                    "Directories the mortar.files source watches (on the scheduler leader).", [p] {
                      return static_cast<double>(p->event_sources().stats().directories_watched);
                    });
  metrics.add_gauge("mortar_events_s3_prefixes_watched",
                    "S3 bucket prefixes the aws.s3 source lists (on the scheduler leader).", [p] {
                      return static_cast<double>(p->event_sources().stats().prefixes_watched);
                    });
  metrics.add_gauge("mortar_events_s3_objects", "aws.s3 events from listed buckets.",
                    [p] { return static_cast<double>(p->event_sources().stats().objects); });
  metrics.add_gauge("mortar_crawler_event_objects_recorded",
                    "Created objects recorded for the next crawl of CRAWL_EVENT_MODE crawlers.",
                    [p] { return static_cast<double>(p->crawler_service().objects_recorded()); });
  metrics.add_gauge(
      "mortar_event_trigger_events_accepted", "Events added to an EVENT trigger's batch.",
      [p] { return static_cast<double>(p->event_batcher().stats().events_accepted); });
  metrics.add_gauge("mortar_event_trigger_events_ignored",
                    "Events for a workflow without an ACTIVATED EVENT trigger.",
                    [p] { return static_cast<double>(p->event_batcher().stats().events_ignored); });
  metrics.add_gauge(
      "mortar_event_trigger_batches_started", "EVENT trigger batches that started a workflow run.",
      [p] { return static_cast<double>(p->event_batcher().stats().batches_started); });
  metrics.add_gauge("mortar_event_trigger_batches_failed",
                    "EVENT trigger batches that could not start a workflow run.",
                    [p] { return static_cast<double>(p->event_batcher().stats().batches_failed); });
}

Status serve(const Config& config, const ServeHooks& hooks) {
  raise_fd_limit();
  Metrics metrics;

  // One server per data dir: the lock file a server left is taken before
  // anything else, so a second server is refused (naming the first's PID)
  // whatever port it asks for, and touches none of the first one's files.
  const DataDir dir(config.data_dir);
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<DataDirLock> dir_lock,
                          DataDirLock::acquire(dir.root(), /*create=*/false));

  // Listen before creating the data dir, so a start that cannot bind (port in
  // use) leaves nothing behind. Until the API is ready, requests get 503.
  std::atomic<const Router*> ready{nullptr};
  http::ServerOptions http_options;
  http_options.host = config.host;
  http_options.port = config.port;
  http_options.threads = static_cast<int>(config.threads);
  http_options.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  http_options.max_connections = static_cast<size_t>(config.max_connections);
  http_options.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  http_options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  http_options.io_timeout = std::chrono::seconds(config.io_timeout_seconds);
  http_options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
  http_options.error_response = [&ready](int status, const std::string& type,
                                         const std::string& message, const std::string& id) {
    if (const Router* router = ready.load()) return router->server_error(status, type, message, id);
    return api::Service::error_response(status, type, message, id);
  };
  auto handler = [&ready](const HttpRequest& r) {
    if (const Router* router = ready.load()) return router->handle(r);
    return api::Service::error_response(503, "ServiceUnavailableException",
                                        "Mortar is starting; try again in a moment", "");
  };
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<http::HttpServer> server,
                          http::HttpServer::start(http_options, handler));
  http::HttpServer* raw_server = server.get();
  metrics.add_gauge("mortar_open_connections", "Open HTTP connections.",
                    [raw_server] { return static_cast<double>(raw_server->connection_count()); });

  MORTAR_RETURN_IF_ERROR(dir.ensure_exists());
  if (!dir_lock) {
    MORTAR_ASSIGN_OR_RETURN(dir_lock, DataDirLock::acquire(dir.root()));
  }
  dir.remove_server_addr();  // a stale one from a crash would mislead whoever waits for it
  MORTAR_ASSIGN_OR_RETURN(std::string token_key, dir.token_key());

  // The catalog holds access-key secrets: SQLite's file is created 0600 (its
  // -wal and -shm files get the same mode). store.url: PostgreSQL instead.
  const std::string db_path = dir.file("catalog.db");
  if (config.store_url.empty()) {
    if (int fd = ::open(db_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  }
  MORTAR_ASSIGN_OR_RETURN(
      std::unique_ptr<store::Store> opened,
      store::open_store(config.store_url, db_path, static_cast<int>(config.store_pool_size)));
  auto store = std::make_unique<TimedStore>(std::move(opened), metrics);

  MORTAR_ASSIGN_OR_RETURN(SchemaVersions schema, migrate_components(*store));
  const Readiness readiness(*store, std::move(schema));
  api::AccountRegistry registry(*store, Clock::real());
  MORTAR_ASSIGN_OR_RETURN(BootstrapResult boot,
                          bootstrap_accounts(dir, *store, registry, config.default_account_id));
  // Every server on one store pages with the same key: the first one's (on
  // SQLite the data dir's, stored on the first start after an upgrade).
  MORTAR_ASSIGN_OR_RETURN(token_key, agree_on_setting(*store, "nexttoken_key", token_key));

  PartsOptions parts_options;
  parts_options.data_dir = config.data_dir;
  MORTAR_ASSIGN_OR_RETURN(parts_options.instance_id, dir.instance_id());
  parts_options.token_secret = token_key;
  parts_options.catalog.table_cache_bytes = static_cast<size_t>(config.table_cache_mb) << 20;
  parts_options.catalog.partition_cache_bytes = static_cast<size_t>(config.partition_cache_mb)
                                                << 20;
  parts_options.audit_retention.max_age_days = config.audit_retention_days;
  parts_options.audit_retention.max_rows = config.audit_max_rows;
  parts_options.leadership.interval = std::chrono::seconds(config.scheduler_leader_check_seconds);
  parts_options.crawl_heartbeat_timeout_seconds = config.crawl_heartbeat_timeout_seconds;
  parts_options.jobs_endpoint = "http://" + address_for_clients(*server);
  parts_options.jobs_max_concurrent_runs = static_cast<int>(config.jobs_max_concurrent_runs);
  parts_options.jobs_heartbeat_timeout_seconds = config.jobs_heartbeat_timeout_seconds;
  parts_options.log_retention_days = static_cast<int>(config.logs_retention_days);
  parts_options.region = config.region;
  for (std::string_view rest = config.event_webhooks; !rest.empty();) {
    const size_t comma = rest.find(',');
    std::string url(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    url.erase(0, url.find_first_not_of(' '));
    url.erase(url.find_last_not_of(' ') + 1);
    if (!url.empty()) parts_options.webhooks.urls.push_back(url);
  }
  parts_options.webhooks.max_attempts = static_cast<int>(config.event_max_attempts);
  parts_options.events_poll_interval_millis = config.event_poll_interval_seconds * 1000;
  if (!parts_options.webhooks.urls.empty()) {
    std::filesystem::create_directories(dir.file("events"));
    parts_options.webhooks.dead_letter_path = dir.file("events/dead-letter.jsonl");
  }
  parts_options.accounts = &registry;
  parts_options.job_runner.python = script_python();
  parts_options.job_runner.python_path = script_python_dir();
  parts_options.warm_pool.size = static_cast<int>(config.jobs_warm_pool_size);
  parts_options.warm_pool.python_dir = parts_options.job_runner.python_path;
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<Parts> parts, Parts::build(*store, parts_options));
  add_trigger_gauges(metrics, parts->triggers());
  add_job_gauges(metrics, *parts);
  add_event_gauges(metrics, *parts);

  api::ServiceOptions options;
  options.auth_mode = config.auth_mode == "open" ? api::AuthMode::kOpen : api::AuthMode::kSigV4;
  options.default_account_id = boot.default_account_id;
  options.region = config.region;
  options.regions = config.regions;
  std::vector<api::AwsService> services;
  services.push_back(api::glue_service(parts->operations()));
  services.push_back(api::logs_service(parts->logs_operations()));
  services.push_back(api::events_service(parts->events_operations()));
  MORTAR_ASSIGN_OR_RETURN(std::unique_ptr<api::Service> service,
                          api::Service::create_for_services(options, *store, std::move(services)));
  if (options.auth_mode == api::AuthMode::kOpen) warn_open_mode(boot.default_account_id);

  Router router([&service](const HttpRequest& r, api::RequestInfo* info) {
                  return service->handle(r, info);
                },
                &api::Service::error_response, metrics,
                [&readiness] { return readiness.check(); });
  ready.store(&router);
  StopHttpFirst stop_http_first{server};

  const std::string address = address_for_clients(*server);
  MORTAR_RETURN_IF_ERROR(dir.write_server_addr(address));
  log_event(LogLevel::kInfo, "listening",
            {{"address", address},
             {"data_dir", config.data_dir},
             {"auth_mode", config.auth_mode},
             {"account", boot.default_account_id},
             {"region", config.region}});
  if (boot.new_admin_key) {
    print_first_start(hooks.out ? *hooks.out : std::cout, boot, dir, config.region, address);
  } else {
    log_event(LogLevel::kInfo, "credentials", {{"file", dir.file("credentials")}});
  }

  if (hooks.wait_for_stop) {
    hooks.wait_for_stop();
  } else {
    wait_for_signal();
  }

  server->stop();  // finishes in-flight requests
  dir.remove_server_addr();
  server.reset();
  router.log_suppressed();  // the count of rate-limited log lines not yet reported
  service.reset();
  parts.reset();  // stops the scheduler, cancels running crawls (each stops within a second)
  MORTAR_RETURN_IF_ERROR(store->close());
  log_event(LogLevel::kInfo, "stopped");
  return ok_status();
}

}  // namespace

int run_serve(const Config& config, const std::vector<std::string>& config_warnings,
              ServeHooks hooks) {
  if (!hooks.wait_for_stop) {
    // Block the stop signals before any thread starts, so every thread
    // inherits the mask and only sigwait() sees them.
    sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
  }
  init_logging(config.log_format, config.log_level);
  for (const std::string& w : config_warnings) {
    log_event(LogLevel::kWarn, "config", {{"warning", w}});
  }
  Status s = serve(config, hooks);
  if (!s.ok()) {
    log_event(LogLevel::kError, "mortar serve failed", {{"error", s.ToString()}});
    return 1;
  }
  return 0;
}

}  // namespace mortar::server
