#include "crawler/apply/apply_policy.h"

#include <fmt/format.h>

namespace mortar::crawler {

namespace {

std::string string_at(const Json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

StatusOr<ApplyPolicy> read_apply_policy(const Json& crawler) {
  if (!crawler.is_object()) return invalid_input("crawler definition is not an object");
  ApplyPolicy p;
  p.crawler_name = string_at(crawler, "Name");
  if (p.crawler_name.empty()) return invalid_input("crawler definition has no Name");
  p.database = string_at(crawler, "DatabaseName");
  p.table_prefix = string_at(crawler, "TablePrefix");

  const Json scp = crawler.value("SchemaChangePolicy", Json::object());
  const std::string update = string_at(scp, "UpdateBehavior");
  if (!update.empty() && update != "UPDATE_IN_DATABASE" && update != "LOG")
    return invalid_input(fmt::format(
        "SchemaChangePolicy.UpdateBehavior '{}' is not valid (UPDATE_IN_DATABASE | LOG)", update));
  p.update_in_database = update != "LOG";
  const std::string del = string_at(scp, "DeleteBehavior");
  if (!del.empty()) {
    if (del != "DEPRECATE_IN_DATABASE" && del != "DELETE_FROM_DATABASE" && del != "LOG")
      return invalid_input(fmt::format(
          "SchemaChangePolicy.DeleteBehavior '{}' is not valid (LOG | DELETE_FROM_DATABASE | "
          "DEPRECATE_IN_DATABASE)", del));
    p.delete_behavior = del;
  }

  const std::string recrawl = string_at(crawler.value("RecrawlPolicy", Json::object()), "RecrawlBehavior");
  if (!recrawl.empty()) {
    if (recrawl != "CRAWL_EVERYTHING" && recrawl != "CRAWL_NEW_FOLDERS_ONLY" &&
        recrawl != "CRAWL_EVENT_MODE")
      return invalid_input(fmt::format(
          "RecrawlPolicy.RecrawlBehavior '{}' is not valid (CRAWL_EVERYTHING | "
          "CRAWL_NEW_FOLDERS_ONLY | CRAWL_EVENT_MODE)", recrawl));
    p.event_mode = recrawl == "CRAWL_EVENT_MODE";
    p.recrawl_behavior = p.event_mode ? "CRAWL_EVERYTHING" : recrawl;
  }

  MORTAR_ASSIGN_OR_RETURN(p.config, parse_crawler_config(string_at(crawler, "Configuration")));
  return p;
}

}  // namespace mortar::crawler
