// CRAWL_EVENT_MODE on the service's side: what Glue accepts for it, the
// roots the server's event sources watch for event-mode crawlers, and the
// "Object Created" events recorded for the next crawl (crawl_events.h).
#include <fmt/format.h>

#include "crawler/plan/crawl_events.h"
#include "crawler/service/crawler_rows.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {
namespace {

// A target path as events name objects: local paths without "file://",
// without trailing slashes.
std::string watch_root(std::string path) {
  if (path.starts_with("file://")) path = path.substr(7);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool is_event_mode(const Json& crawler) {
  const Json& rp = crawler.value("RecrawlPolicy", Json::object());
  return rp.is_object() && rp.value("RecrawlBehavior", "") == "CRAWL_EVENT_MODE";
}

void add_root(const std::string& path, std::vector<std::string>& out) {
  std::string root = watch_root(path);
  if (root.starts_with("/") || root.starts_with("s3://")) out.push_back(std::move(root));
}

bool valid_queue_arn(const std::string& arn) {
  // arn:<partition>:sqs:<region>:<account>:<queue>
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon; (colon = arn.find(':', start)) != std::string::npos; start = colon + 1)
    parts.push_back(arn.substr(start, colon - start));
  parts.push_back(arn.substr(start));
  return parts.size() == 6 && parts[0] == "arn" && parts[2] == "sqs" && !parts[5].empty();
}

}  // namespace

Status validate_event_mode(const Json& crawler) {
  const Json& targets = crawler.value("Targets", Json::object());
  if (!targets.is_object()) return ok_status();
  for (const char* list : {"S3Targets", "CatalogTargets"}) {
    size_t i = 0;
    for (const auto& t : targets.value(list, Json::array())) {
      for (const char* member : {"EventQueueArn", "DlqEventQueueArn"}) {
        if (!t.is_object() || !t.contains(member)) continue;
        const Json& arn = t[member];
        if (!arn.is_string() || !valid_queue_arn(arn.get<std::string>())) {
          return invalid_input(fmt::format(
              "Targets.{}[{}].{} is not a valid Amazon SQS ARN (arn:aws:sqs:region:account:queue)",
              list, i, member));
        }
      }
      ++i;
    }
  }
  if (!is_event_mode(crawler)) return ok_status();
  for (const auto& [key, value] : targets.items()) {
    if (key == "S3Targets" || key == "CatalogTargets") continue;
    if (value.is_array() && !value.empty()) {
      return invalid_input(fmt::format(
          "RecrawlPolicy CRAWL_EVENT_MODE supports only S3Targets and CatalogTargets, not {}",
          key));
    }
  }
  size_t i = 0;
  for (const auto& t : targets.value("S3Targets", Json::array())) {
    if (t.is_object() && t.contains("SampleSize") && !t["SampleSize"].is_null()) {
      return invalid_input(fmt::format(
          "Targets.S3Targets[{}].SampleSize cannot be used with RecrawlPolicy CRAWL_EVENT_MODE "
          "(event-mode crawls do not sample)",
          i));
    }
    const std::string path = t.is_object() ? t.value("Path", "") : "";
    if (path == "s3://%") {
      return invalid_input("RecrawlPolicy CRAWL_EVENT_MODE does not support the s3://% path");
    }
    ++i;
  }
  return ok_status();
}

void CrawlerService::set_event_watches_listener(std::function<void()> listener) {
  absl::MutexLock lock(&mu_);
  watches_changed_ = std::move(listener);
}

void CrawlerService::event_watches_changed() {
  if (watches_changed_) watches_changed_();
}

std::vector<std::string> CrawlerService::event_roots(const std::string& account,
                                                     const Json& crawler) {
  std::vector<std::string> out;
  const Json& targets = crawler.value("Targets", Json::object());
  if (!targets.is_object()) return out;
  for (const auto& t : targets.value("S3Targets", Json::array())) {
    if (t.is_object()) add_root(t.value("Path", ""), out);
  }
  // Catalog targets: their tables' locations, as they are now.
  CallContext ctx;
  ctx.account_id = ctx.catalog_id = account;
  ctx.principal = "crawler/" + crawler.value("Name", "");
  ctx.operation = "GetTable";
  for (const auto& ct : targets.value("CatalogTargets", Json::array())) {
    if (!ct.is_object()) continue;
    const std::string db = ct.value("DatabaseName", "");
    for (const auto& name : ct.value("Tables", Json::array())) {
      if (!name.is_string()) continue;
      auto table = catalog_.get_table(ctx, db, name.get<std::string>());
      if (!table.ok()) continue;  // a missing table has nothing to watch
      const Json sd = table->value("StorageDescriptor", Json::object());
      if (sd.is_object()) add_root(sd.value("Location", ""), out);
    }
  }
  return out;
}

StatusOr<std::vector<std::pair<std::string, std::string>>> CrawlerService::event_watches() {
  std::vector<std::pair<std::string, CrawlerRow>> crawlers;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(crawlers, event_mode_crawlers(tx));
        return ok_status();
      }));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [account, row] : crawlers) {
    for (std::string& root : event_roots(account, row.body))
      out.emplace_back(account, std::move(root));
  }
  return out;
}

StatusOr<int> CrawlerService::record_object_created(const std::string& account,
                                                    const std::string& uri) {
  const std::string object = watch_root(uri);
  std::vector<std::pair<std::string, CrawlerRow>> crawlers;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(crawlers, event_mode_crawlers(tx));
        return ok_status();
      }));
  std::vector<std::string> names;  // the account's crawlers with a target above the object
  for (const auto& [owner, row] : crawlers) {
    if (owner != account) continue;
    for (const std::string& root : event_roots(account, row.body)) {
      if (object.starts_with(root + "/")) {
        names.push_back(row.name);
        break;
      }
    }
  }
  if (names.empty()) return 0;
  const int64_t seq = clock_.now_micros();
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        for (const std::string& name : names)
          MORTAR_RETURN_IF_ERROR(CrawlEvents::record(tx, account, name, object, seq));
        return ok_status();
      }));
  objects_recorded_ += static_cast<int64_t>(names.size());
  return static_cast<int>(names.size());
}

}  // namespace mortar::crawler
