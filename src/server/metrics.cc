#include "server/metrics.h"

#include <fmt/format.h>

namespace mortar::server {
namespace {

// Label values come from requests (operation names), so escape them.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (seconds > 0) {
    sum_nanos_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  }
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds_.size() ? fmt::format("{}", bounds_[i]) : "+Inf";
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, le, cumulative);
  }
  out +=
      fmt::format("{}_sum{} {}\n", name, braces, sum_nanos_.load(std::memory_order_relaxed) / 1e9);
  out += fmt::format("{}_count{} {}\n", name, braces, count_.load(std::memory_order_relaxed));
}

Metrics::OpStats& Metrics::op_stats(std::string_view operation) {
  if (operation.empty()) operation = "none";
  {
    std::shared_lock lock(mu_);
    auto it = ops_.find(operation);
    if (it != ops_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  if (ops_.size() >= kMaxOperations && !ops_.count(operation)) operation = "other";
  auto& slot = ops_[std::string(operation)];
  if (!slot) slot = std::make_unique<OpStats>();
  return *slot;
}

Histogram& Metrics::store_histogram(std::string_view kind) {
  {
    std::shared_lock lock(mu_);
    auto it = store_.find(kind);
    if (it != store_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& slot = store_[std::string(kind)];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void Metrics::record_request(std::string_view operation, int http_status, double seconds) {
  OpStats& stats = op_stats(operation);
  stats.latency.observe(seconds);
  if (http_status >= 100 && http_status < 600) {
    stats.by_status[http_status - 100].fetch_add(1, std::memory_order_relaxed);
  }
}

void Metrics::record_store(std::string_view kind, double seconds) {
  store_histogram(kind).observe(seconds);
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::unique_lock lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void Metrics::add_histogram(std::string name, std::string help, const Histogram* histogram) {
  std::unique_lock lock(mu_);
  histograms_.push_back({std::move(name), std::move(help), histogram});
}

uint64_t Metrics::request_count(std::string_view operation, int http_status) const {
  std::shared_lock lock(mu_);
  auto it = ops_.find(operation.empty() ? "none" : operation);
  if (it == ops_.end() || http_status < 100 || http_status >= 600) return 0;
  return it->second->by_status[http_status - 100].load(std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::shared_lock lock(mu_);
  std::string out;
  out.reserve(4096 + ops_.size() * 2048);

  out += "# HELP mortar_requests_total API requests by Glue operation and HTTP status.\n";
  out += "# TYPE mortar_requests_total counter\n";
  for (const auto& [op, stats] : ops_) {
    std::string label = escape_label(op);
    for (size_t i = 0; i < stats->by_status.size(); ++i) {
      uint64_t n = stats->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += fmt::format("mortar_requests_total{{operation=\"{}\",status=\"{}\"}} {}\n", label,
                         i + 100, n);
    }
  }

  out += "# HELP mortar_request_duration_seconds Time to handle an API request.\n";
  out += "# TYPE mortar_request_duration_seconds histogram\n";
  for (const auto& [op, stats] : ops_) {
    stats->latency.render(out, "mortar_request_duration_seconds",
                          "operation=\"" + escape_label(op) + "\"");
  }

  out += "# HELP mortar_store_duration_seconds Time spent in store calls, by kind.\n";
  out += "# TYPE mortar_store_duration_seconds histogram\n";
  for (const auto& [kind, hist] : store_) {
    hist->render(out, "mortar_store_duration_seconds", "kind=\"" + escape_label(kind) + "\"");
  }

  for (const NamedHistogram& h : histograms_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", h.name, h.help, h.name);
    h.histogram->render(out, h.name, "");
  }
  for (const Gauge& g : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name, g.name,
                       g.read());
  }
  return out;
}

}  // namespace mortar::server
