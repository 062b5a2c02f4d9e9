#include "server/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mortar::server {
namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricsTest, CountsRequestsByOperationAndStatus) {
  Metrics m;
  m.record_request("GetTable", 200, 0.0003);
  m.record_request("GetTable", 200, 0.002);
  m.record_request("GetTable", 400, 0.001);
  m.record_request("", 413, 0);
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "mortar_requests_total{operation=\"GetTable\",status=\"200\"} 2\n"));
  EXPECT_TRUE(contains(text, "mortar_requests_total{operation=\"GetTable\",status=\"400\"} 1\n"));
  EXPECT_TRUE(contains(text, "mortar_requests_total{operation=\"none\",status=\"413\"} 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE mortar_request_duration_seconds histogram\n"));
  EXPECT_EQ(m.request_count("GetTable", 200), 2u);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  m.record_request("GetTable", 200, 0.0003);  // <= 0.0005
  m.record_request("GetTable", 200, 0.002);   // <= 0.0025
  m.record_request("GetTable", 200, 20);      // only +Inf
  std::string text = m.render();
  const std::string p = "mortar_request_duration_seconds_bucket{operation=\"GetTable\",";
  EXPECT_TRUE(contains(text, p + "le=\"0.0001\"} 0\n")) << text;
  EXPECT_TRUE(contains(text, p + "le=\"0.0005\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, p + "le=\"0.0025\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, p + "le=\"10\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, p + "le=\"+Inf\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_request_duration_seconds_count{operation=\"GetTable\"} 3\n"));
}

TEST(MetricsTest, AnotherPartsHistogramRendersWithItsOwnBoundsAndNoLabels) {
  Metrics m;
  Histogram runs({1, 60, 3600});
  m.add_histogram("mortar_job_run_duration_seconds", "Run durations.", &runs);
  runs.observe(0.5);
  runs.observe(90);
  runs.observe(90);
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# TYPE mortar_job_run_duration_seconds histogram\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_job_run_duration_seconds_bucket{le=\"1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_job_run_duration_seconds_bucket{le=\"60\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_job_run_duration_seconds_bucket{le=\"3600\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_job_run_duration_seconds_bucket{le=\"+Inf\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_job_run_duration_seconds_sum 180.5\n")) << text;
  EXPECT_TRUE(contains(text, "mortar_job_run_duration_seconds_count 3\n")) << text;
}

TEST(MetricsTest, StoreTimingsAndGauges) {
  Metrics m;
  m.record_store("query", 0.00005);
  m.add_gauge("mortar_open_connections", "Open HTTP connections.", [] { return 7.0; });
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "mortar_store_duration_seconds_count{kind=\"query\"} 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE mortar_open_connections gauge\nmortar_open_connections 7\n"));
}

TEST(MetricsTest, HostileOperationNamesAreEscapedAndCapped) {
  Metrics m;
  m.record_request("Evil\"}\nfake_metric 1", 400, 0);
  std::string text = m.render();
  EXPECT_FALSE(contains(text, "\nfake_metric 1"));
  EXPECT_TRUE(contains(text, "operation=\"Evil\\\"}\\nfake_metric 1\""));
  for (size_t i = 0; i < Metrics::kMaxOperations + 50; ++i) {
    m.record_request("Op" + std::to_string(i), 400, 0);
  }
  EXPECT_GT(m.request_count("other", 400), 0u);
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) m.record_request(i % 2 ? "GetTable" : "GetDatabase", 200, 1e-4);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.request_count("GetTable", 200) + m.request_count("GetDatabase", 200), 40000u);
}

}  // namespace
}  // namespace mortar::server
