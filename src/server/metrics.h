// Prometheus metrics for /metrics: requests by operation and status, request
// latency and store call latency histograms, plus gauges read at scrape time.
//
// Thread-safe. Recording is lock-free once an operation has been seen (a
// shared lock and a few relaxed atomic adds); the set of distinct operation
// labels is capped so junk X-Amz-Target values cannot grow it without bound.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mortar::server {

class Histogram {
 public:
  // Upper bounds in seconds of the request and store histograms.
  static constexpr std::array<double, 16> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                     0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                     1,      2.5,     5,      10};
  Histogram() : Histogram(std::vector<double>(kBounds.begin(), kBounds.end())) {}
  // `bounds`: ascending upper bounds in seconds (job runs last minutes).
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);
  // Appends the _bucket/_sum/_count lines for one label set ("kind=\"x\"";
  // "" for none).
  void render(std::string& out, std::string_view name, std::string_view labels) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1; last: +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_nanos_{0};
};

class Metrics {
 public:
  static constexpr size_t kMaxOperations = 512;

  // operation "" is labelled "none" (e.g. a 413 before any operation was read).
  void record_request(std::string_view operation, int http_status, double seconds);
  // kind: "begin_read", "begin_write", "exec", "query", "commit".
  void record_store(std::string_view kind, double seconds);
  // A value computed when scraped, e.g. open connections.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  // A histogram another part records into (job run durations, schedule
  // lag); it must outlive every scrape.
  void add_histogram(std::string name, std::string help, const Histogram* histogram);

  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

  uint64_t request_count(std::string_view operation, int http_status) const;

 private:
  struct OpStats {
    Histogram latency;
    std::array<std::atomic<uint64_t>, 500> by_status{};  // index: status - 100
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };

  OpStats& op_stats(std::string_view operation);
  Histogram& store_histogram(std::string_view kind);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<OpStats>, std::less<>> ops_;       // guarded by mu_
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> store_;  // guarded by mu_
  struct NamedHistogram {
    std::string name, help;
    const Histogram* histogram;
  };
  std::vector<Gauge> gauges_;                                              // guarded by mu_
  std::vector<NamedHistogram> histograms_;                                 // guarded by mu_
};

}  // namespace mortar::server
