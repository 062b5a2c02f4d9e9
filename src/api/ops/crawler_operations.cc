// Crawler operations: thin handlers over crawler::CrawlerService.
#include "api/ops/crawler_operations.h"

#include "api/ops/op_support.h"
#include "api/ops/tag_operations.h"
#include "schedule/glue_schedule.h"

namespace mortar::api {
namespace {

using ops::call_context;
using ops::member;
using ops::page_size;
using ops::Paging;
using ops::str;
using ops::str_list;
using ops::wrap;

// Glue validates the cron text on Create/UpdateCrawler and UpdateCrawlerSchedule.
Status check_schedule(const Json& in, const char* member_name, const CrawlerOperationOptions& options) {
  auto it = in.find(member_name);
  if (it == in.end() || !it->is_string() || it->get<std::string>().empty()) return ok_status();
  schedule::GlueScheduleOptions o;
  o.enforce_min_interval = options.enforce_min_schedule_interval;
  auto cron = schedule::parse_glue_schedule(it->get<std::string>(), o);
  if (!cron.ok()) {
    return invalid_input("Invalid schedule expression: " + std::string(status_message(cron.status())));
  }
  return ok_status();
}

// The name a keyset page resumes after ("" for the first page).
StatusOr<std::string> after_name(const Paging& paging) {
  MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
  return pos.is_string() ? pos.get<std::string>() : std::string();
}


}  // namespace

void register_crawler_operations(OperationRegistry& r, crawler::CrawlerService& s, const NextTokenCodec& codec,
                                 CrawlerOperationOptions options) {
  r.add("CreateCrawler", [&s, options](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(check_schedule(in, "Schedule", options));
    MORTAR_RETURN_IF_ERROR(s.create_crawler(call_context(ctx, in), in));
    return Json::object();
  });
  r.add("UpdateCrawler", [&s, options](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(check_schedule(in, "Schedule", options));
    MORTAR_RETURN_IF_ERROR(s.update_crawler(call_context(ctx, in), in));
    return Json::object();
  });
  r.add("DeleteCrawler", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.delete_crawler(call_context(ctx, in), str(in, "Name")));
    return Json::object();
  });
  r.add("GetCrawler", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json c, s.get_crawler(call_context(ctx, in), str(in, "Name")));
    return wrap("Crawler", std::move(c));
  });
  r.add("GetCrawlers", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_name(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page, s.get_crawlers(call_context(ctx, in), after, page_size(in, 1000)));
    Json out = wrap("Crawlers", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("ListCrawlers", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"Tags"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_name(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page, s.list_crawlers(call_context(ctx, in), member(in, "Tags"), after,
                                                       page_size(in, 1000)));
    Json out = wrap("CrawlerNames", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("BatchGetCrawlers", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    return s.batch_get_crawlers(call_context(ctx, in), str_list(in, "CrawlerNames"));
  });
  r.add("StartCrawler", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.start_crawler(call_context(ctx, in), str(in, "Name")));
    return Json::object();
  });
  r.add("StopCrawler", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.stop_crawler(call_context(ctx, in), str(in, "Name")));
    return Json::object();
  });
  r.add("GetCrawlerMetrics", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"CrawlerNameList"});
    MORTAR_ASSIGN_OR_RETURN(std::string after, after_name(paging));
    MORTAR_ASSIGN_OR_RETURN(auto page, s.get_crawler_metrics(call_context(ctx, in),
                                                             str_list(in, "CrawlerNameList"), after,
                                                             page_size(in, 1000)));
    Json out = wrap("CrawlerMetricsList", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("ListCrawls", [&s, &codec](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    Paging paging(codec, ctx, in, {"CrawlerName", "Filters"});
    MORTAR_ASSIGN_OR_RETURN(Json pos, paging.position());
    int64_t offset = pos.is_number_integer() ? pos.get<int64_t>() : 0;
    MORTAR_ASSIGN_OR_RETURN(auto page, s.list_crawls(call_context(ctx, in), str(in, "CrawlerName"),
                                                     member(in, "Filters"), offset, page_size(in, 1000, 20)));
    Json out = wrap("Crawls", std::move(page.items));
    paging.finish(out, page.next);
    return out;
  });
  r.add("UpdateCrawlerSchedule", [&s, options](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(check_schedule(in, "Schedule", options));
    MORTAR_RETURN_IF_ERROR(
        s.update_crawler_schedule(call_context(ctx, in), str(in, "CrawlerName"), str(in, "Schedule")));
    return Json::object();
  });
  r.add("StartCrawlerSchedule", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.start_crawler_schedule(call_context(ctx, in), str(in, "CrawlerName")));
    return Json::object();
  });
  r.add("StopCrawlerSchedule", [&s](RequestContext& ctx, const Json& in) -> StatusOr<Json> {
    MORTAR_RETURN_IF_ERROR(s.stop_crawler_schedule(call_context(ctx, in), str(in, "CrawlerName")));
    return Json::object();
  });
  register_classifier_operations(r, s.classifiers(), codec);
  ops::tag_router(r).add("crawler", std::make_shared<ops::NamedResourceTagger<crawler::CrawlerService>>(
      s, "crawler", &crawler::CrawlerService::tag_crawler, &crawler::CrawlerService::untag_crawler, &crawler::CrawlerService::get_crawler_tags));
}

}  // namespace mortar::api
