// ListCrawls and GetCrawlerMetrics: read-only views over the crawl history.
#include <time.h>

#include <algorithm>
#include <cstdlib>

#include "crawler/service/crawler_rows.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {
namespace {

// A FieldValue for START_TIME/END_TIME, in epoch seconds: Glue documents
// epoch milliseconds ("1767225600000"); ISO-8601 UTC ("2026-01-02T03:04:05Z",
// "2026-01-02 03:04:05", "2026-01-02") is accepted too.
StatusOr<double> parse_time(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (!text.empty() && end != nullptr && *end == '\0') return v / 1000;
  tm t{};
  const char* formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"};
  for (const char* f : formats) {
    t = tm{};
    const char* rest = strptime(text.c_str(), f, &t);
    if (rest == nullptr) continue;
    double frac = 0;
    if (*rest == '.') {
      frac = std::strtod(rest, &end);
      rest = end;
    }
    if (*rest == 'Z' || *rest == 'z') ++rest;
    if (*rest != '\0') continue;
    return static_cast<double>(timegm(&t)) + frac;
  }
  return invalid_input("Invalid time value in filter: " + text +
                       " (use epoch milliseconds or YYYY-MM-DDTHH:MM:SSZ)");
}

template <typename T>
bool compare(const std::string& op, const T& a, const T& b) {
  if (op == "EQ") return a == b;
  if (op == "NE") return a != b;
  if (op == "GT") return a > b;
  if (op == "GE") return a >= b;
  if (op == "LT") return a < b;
  return a <= b;  // LE
}

struct Filter {
  std::string field, op, value;
  double number = 0;
};

StatusOr<std::vector<Filter>> parse_filters(const Json& filters) {
  std::vector<Filter> out;
  if (!filters.is_array()) return out;
  for (const auto& f : filters) {
    Filter x{f.value("FieldName", ""), f.value("FilterOperator", ""), f.value("FieldValue", "")};
    // Glue needs all three members (the model marks none required) and says
    // which were missing in this shape.
    if (x.field.empty() || x.op.empty() || x.value.empty()) {
      auto shown = [](const std::string& s) { return s.empty() ? std::string("null") : s; };
      return invalid_input("Invalid Filter Provided: FieldName: " + shown(x.field) +
                           ", FilterOperator: " + shown(x.op) + ", FieldValue: " + shown(x.value));
    }
    if ((x.field == "STATE" || x.field == "CRAWL_ID") && x.op != "EQ" && x.op != "NE") {
      return invalid_input("Only EQ or NE operator is allowed for field : " + x.field);
    }
    if (x.field == "START_TIME" || x.field == "END_TIME") {
      MORTAR_ASSIGN_OR_RETURN(x.number, parse_time(x.value));
    } else if (x.field == "DPU_HOUR") {
      char* end = nullptr;
      x.number = std::strtod(x.value.c_str(), &end);
      if (x.value.empty() || *end != '\0')
        return invalid_input("Invalid DPU_HOUR filter value: " + x.value);
    }
    out.push_back(std::move(x));
  }
  return out;
}

bool matches(const CrawlRow& c, const std::vector<Filter>& filters) {
  for (const auto& f : filters) {
    bool ok = true;
    if (f.field == "STATE") {
      ok = compare(f.op, c.state, f.value);
    } else if (f.field == "CRAWL_ID") {
      ok = compare(f.op, c.crawl_id, f.value);
    } else if (f.field == "START_TIME") {
      ok = compare(f.op, c.start_time, f.number);
    } else if (f.field == "END_TIME") {
      ok = c.end_time.has_value() && compare(f.op, *c.end_time, f.number);
    } else if (f.field == "DPU_HOUR") {
      ok = compare(f.op, 0.0, f.number);  // no DPUs: crawls run in the server
    }
    if (!ok) return false;
  }
  return true;
}

Json history_json(const CrawlRow& c) {
  Json j = {{"CrawlId", c.crawl_id},
            {"State", c.state},
            {"StartTime", c.start_time},
            {"LogGroup", "/aws-glue/crawlers"},
            {"LogStream", c.crawler},
            {"MessagePrefix", c.crawl_id},
            {"DPUHour", 0.0}};
  if (c.end_time) j["EndTime"] = *c.end_time;
  if (!c.summary.empty()) j["Summary"] = c.summary;
  if (!c.error.empty()) j["ErrorMessage"] = c.error;
  return j;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int64_t summary_count(const std::string& summary, const char* key) {
  Json j = Json::parse(summary, nullptr, false);
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

}  // namespace

StatusOr<Page> CrawlerService::list_crawls(const CallContext& ctx, const std::string& name,
                                           const Json& filters, int64_t offset, int limit) {
  MORTAR_ASSIGN_OR_RETURN(auto parsed, parse_filters(filters));
  std::vector<CrawlRow> rows;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_RETURN_IF_ERROR(require_crawler(tx, ctx.account_id, name).status());
    MORTAR_ASSIGN_OR_RETURN(rows, list_crawl_rows(tx, ctx.account_id, name));
    return ok_status();
  }));
  Page page;
  int64_t index = 0;
  for (const auto& c : rows) {
    if (!matches(c, parsed)) continue;
    if (index++ < offset) continue;
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = offset + limit;
      break;
    }
    page.items.push_back(history_json(c));
  }
  return page;
}

StatusOr<Page> CrawlerService::get_crawler_metrics(const CallContext& ctx,
                                                   const std::vector<std::string>& names,
                                                   const std::string& after, int limit) {
  std::vector<std::string> wanted = names;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  struct Item {
    std::string name;
    std::vector<CrawlRow> crawls;
  };
  std::vector<Item> items;
  Page page;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    std::vector<std::string> candidates;
    if (wanted.empty()) {
      MORTAR_ASSIGN_OR_RETURN(auto rows, crawler::list_crawlers(tx, ctx.account_id, after, limit + 1));
      for (auto& r : rows) candidates.push_back(r.name);
    } else {
      for (const auto& n : wanted) {
        if (n <= after) continue;
        MORTAR_ASSIGN_OR_RETURN(auto row, load_crawler(tx, ctx.account_id, n));
        if (row) candidates.push_back(n);
      }
    }
    for (const auto& n : candidates) {
      if (static_cast<int>(items.size()) == limit) {
        page.next = items.back().name;
        break;
      }
      MORTAR_ASSIGN_OR_RETURN(auto crawls, list_crawl_rows(tx, ctx.account_id, n));
      items.push_back({n, std::move(crawls)});
    }
    return ok_status();
  }));
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& item : items) {
    std::vector<double> runtimes;
    const CrawlRow* last = nullptr;
    for (const auto& c : item.crawls) {  // newest first
      if (c.state != "COMPLETED" || !c.end_time) continue;
      if (last == nullptr) last = &c;
      runtimes.push_back(std::max(0.0, *c.end_time - c.start_time));
    }
    double med = median(runtimes);
    Json m = {
        {"CrawlerName", item.name},
        {"LastRuntimeSeconds", last ? std::max(0.0, *last->end_time - last->start_time) : 0.0},
        {"MedianRuntimeSeconds", med},
        {"StillEstimating", false},
        {"TimeLeftSeconds", 0.0},
        {"TablesCreated", last ? summary_count(last->summary, "TablesCreated") : 0},
        {"TablesUpdated", last ? summary_count(last->summary, "TablesUpdated") : 0},
        {"TablesDeleted", last ? summary_count(last->summary, "TablesDeleted") : 0}};
    auto running = active_.find({ctx.account_id, item.name});
    if (running != active_.end()) {
      double elapsed =
          static_cast<double>(clock_.now_micros() - running->second->start_micros) / 1e6;
      m["StillEstimating"] = runtimes.empty();
      m["TimeLeftSeconds"] = std::max(0.0, med - elapsed);
    }
    page.items.push_back(std::move(m));
  }
  return page;
}

}  // namespace mortar::crawler
