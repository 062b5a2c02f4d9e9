// A real Catalog on a temp SQLite store plus what a crawl needs, and
// builders for hand-made plans (Glue's CSV / JSON storage pieces), for the
// apply part's tests.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/catalog_test_util.h"
#include "catalog/partition_catalog.h"
#include "crawler/apply/plan_applier.h"
#include "io/file_system.h"

namespace mortar::crawler {

inline constexpr char kTextInput[] = "org.apache.hadoop.mapred.TextInputFormat";
inline constexpr char kTextOutput[] = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
inline constexpr char kLazySimple[] = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
inline constexpr char kJsonSerde[] = "org.openx.data.jsonserde.JsonSerDe";

// A CSV classification as Glue's built-in classifier gives it.
inline Classification csv_classification(const std::string& schema, int64_t records = 10) {
  Classification c;
  c.classification = "csv";
  c.certainty = 1.0;
  c.classifier_name = "csv";
  c.schema = *types::DataType::parse(schema);
  c.input_format = kTextInput;
  c.output_format = kTextOutput;
  c.serde_info = {{"SerializationLibrary", kLazySimple}, {"Parameters", {{"field.delim", ","}}}};
  c.parameters = {{"delimiter", ","}, {"skip.header.line.count", "1"}, {"areColumnsQuoted", "false"},
                  {"columnsOrdered", "true"}, {"typeOfData", "file"}};
  c.record_count = records;
  c.average_record_size = 20;
  return c;
}

inline Classification json_classification(const std::string& schema, int64_t records = 10) {
  Classification c;
  c.classification = "json";
  c.certainty = 1.0;
  c.classifier_name = "json";
  c.schema = *types::DataType::parse(schema);
  c.input_format = kTextInput;
  c.output_format = kTextOutput;
  c.serde_info = {{"SerializationLibrary", kJsonSerde}, {"Parameters", {{"paths", "a"}}}};
  c.parameters = {{"typeOfData", "file"}};
  c.record_count = records;
  c.average_record_size = 40;
  return c;
}

// A table at `location` partitioned by `key` with one partition per value.
inline PlannedTable planned_table(const std::string& name, const std::string& location,
                                  const Classification& c, const std::string& key = "",
                                  const std::vector<std::string>& values = {}) {
  PlannedTable t;
  t.name = name;
  t.location = location;
  t.classification = c;
  if (!key.empty()) t.partition_keys = {{key, "string"}};
  for (const auto& v : values) {
    PlannedPartition p;
    p.values = {v};
    p.location = location + key + "=" + v + "/";
    p.classification = c;
    p.object_count = 1;
    p.size_bytes = 100;
    t.partitions.push_back(p);
  }
  t.object_count = static_cast<int64_t>(values.empty() ? 1 : values.size());
  t.size_bytes = 100 * t.object_count;
  return t;
}

class ApplyTest : public catalog::SqliteCatalogTest {
 protected:
  void SetUp() override {
    catalog::SqliteCatalogTest::SetUp();
    partitions_ = std::make_unique<catalog::PartitionCatalog>(*catalog_);
    make_db("sales");
    policy_.crawler_name = "c1";
    policy_.database = "sales";
    policy_.crawl_id = "crawl-1";
    policy_.now_millis = clock_.now_micros() / 1000;
  }
  void TearDown() override {
    partitions_.reset();
    catalog::SqliteCatalogTest::TearDown();
  }

  CrawlEnvironment env() {
    return CrawlEnvironment{*catalog_, *partitions_, *store_, clock_, ctx_, cancel_,
                            [this](const std::string& level, const std::string& message) {
                              std::lock_guard<std::mutex> lock(log_mu_);
                              log_lines_.push_back(level + " " + message);
                              if (on_log_) on_log_(message);
                            },
                            [](const std::string& uri) { return io::file_system_for(uri); },
                            {}, policy_.crawl_id, 2};
  }

  // Applies a hand-made plan as a crawl of S3 targets does.
  StatusOr<CrawlResult> apply(std::vector<PlannedTable> tables, bool dry_run = false,
                              TargetMode mode = TargetMode::kS3,
                              std::vector<CrawlProblem> problems = {}) {
    std::vector<PlannedWork> work;
    for (auto& t : tables) work.push_back({std::move(t), "sales", mode});
    CrawlResult result;
    result.dry_run = dry_run;
    result.problems = std::move(problems);
    auto e = env();
    bool retire = mode == TargetMode::kS3 && !policy_.new_folders_only() && !policy_.config.partition_sync;
    Status st = apply_plan(work, retire, policy_, e, result);
    if (!st.ok()) return st;
    return result;
  }

  Json table(const std::string& name) {
    auto t = catalog_->get_table(op("GetTable"), "sales", name);
    EXPECT_TRUE(t.ok()) << t.status();
    return t.ok() ? *t : Json();
  }
  bool has_table(const std::string& name) {
    return catalog_->get_table(op("GetTable"), "sales", name).ok();
  }
  std::vector<Json> partitions(const std::string& name) {
    auto page = partitions_->get_partitions(op("GetPartitions"), "sales", name, catalog::PartitionScan{});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->partitions : std::vector<Json>();
  }
  std::vector<std::string> column_names(const Json& t) {
    std::vector<std::string> out;
    for (const auto& c : t["StorageDescriptor"]["Columns"]) out.push_back(c["Name"].get<std::string>() + ":" + c["Type"].get<std::string>());
    return out;
  }
  static std::vector<std::string> actions(const CrawlResult& r) {
    std::vector<std::string> out;
    for (const auto& c : r.changes) {
      Json j = c.as_json();
      std::string s = j["Action"].get<std::string>() + " " + j["Table"].get<std::string>();
      if (j.contains("PartitionValues")) s += " " + j["PartitionValues"].dump();
      out.push_back(s);
    }
    return out;
  }

  std::unique_ptr<catalog::PartitionCatalog> partitions_;
  CancelToken cancel_;
  ApplyPolicy policy_;
  std::mutex log_mu_;
  std::vector<std::string> log_lines_;
  std::function<void(const std::string&)> on_log_;
};

}  // namespace mortar::crawler
