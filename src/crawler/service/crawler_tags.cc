// CrawlerService: tags of a crawler (TagResource/UntagResource/GetTags on
// arn:aws:glue:<region>:<account>:crawler/<name>). They live in the crawler
// row's `tags` column, the one CreateCrawler fills and ListCrawlers filters on.
#include "catalog/tag_rules.h"
#include "crawler/service/crawler_rows.h"
#include "crawler/service/crawler_service.h"

namespace mortar::crawler {

StatusOr<Json> CrawlerService::get_crawler_tags(const CallContext& ctx, const std::string& name) {
  Json tags;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, require_crawler(tx, ctx.account_id, name));
        tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
        return ok_status();
      }));
  return tags;
}

Status CrawlerService::tag_crawler(const CallContext& ctx, const std::string& name,
                                   const Json& tags_to_add) {
  MORTAR_RETURN_IF_ERROR(catalog::check_tag_values(tags_to_add));
  // The row lock (require_crawler_for_write) orders this against every other
  // change of the row, in this process or another server.
  absl::MutexLock lock(&mu_);
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, require_crawler_for_write(tx, ctx.account_id, name));
    if (!tags_to_add.is_object() || tags_to_add.empty()) return ok_status();
    Json tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
    for (auto it = tags_to_add.begin(); it != tags_to_add.end(); ++it) tags[it.key()] = it.value();
    MORTAR_RETURN_IF_ERROR(catalog::check_tag_count(static_cast<int64_t>(tags.size())));
    return save_crawler_tags(tx, ctx.account_id, name, tags);
  });
}

Status CrawlerService::untag_crawler(const CallContext& ctx, const std::string& name,
                                     const std::vector<std::string>& keys) {
  absl::MutexLock lock(&mu_);
  return store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, require_crawler_for_write(tx, ctx.account_id, name));
    Json tags = row.tags.is_object() ? std::move(row.tags) : Json::object();
    size_t before = tags.size();
    for (const auto& k : keys) tags.erase(k);
    if (tags.size() == before) return ok_status();
    return save_crawler_tags(tx, ctx.account_id, name, tags);
  });
}

}  // namespace mortar::crawler
