#include "crawler/service/crawl_claims.h"

#include <unistd.h>

#include "common/crypto.h"

namespace mortar::crawler {

using store::Value;

namespace {
std::string host_name() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost";
  return host;
}
}  // namespace

std::string server_id_prefix(const std::string& instance_id) {
  return instance_id.empty() ? "" : host_name() + ":" + instance_id + ":";
}

std::string new_server_id(const std::string& instance_id) {
  if (!instance_id.empty()) return server_id_prefix(instance_id) + std::to_string(::getpid());
  std::string suffix;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : random_bytes(4)) {
    suffix.push_back(kHex[b >> 4]);
    suffix.push_back(kHex[b & 15]);
  }
  return host_name() + ":" + std::to_string(::getpid()) + ":" + suffix;
}

StatusOr<bool> transition_crawler(store::Transaction& tx, const std::string& account,
                                  const std::string& name, const std::string& from,
                                  const std::string& to) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("UPDATE crawlers SET state=? WHERE account_id=? AND name=? AND state=?",
                         {to, account, name, from}));
  if (n > 0) return true;
  MORTAR_RETURN_IF_ERROR(require_crawler(tx, account, name).status());
  return false;
}

StatusOr<bool> touch_crawl(store::Transaction& tx, const std::string& account,
                           const std::string& crawl_id, const std::string& server_id,
                           int64_t now_micros) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n,
                          tx.exec("UPDATE crawls SET heartbeat_micros=? WHERE account_id=? AND "
                                  "crawl_id=? AND server_id=? AND state='RUNNING'",
                                  {now_micros, account, crawl_id, server_id}));
  return n > 0;
}

StatusOr<bool> finish_owned_crawl(store::Transaction& tx, const std::string& account,
                                  const CrawlRow& c, const std::string& server_id) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n,
      finish_crawl_if(tx, account, c, " AND server_id=? AND state='RUNNING'", {server_id}));
  return n > 0;
}

int64_t last_heartbeat_micros(const CrawlRow& crawl) {
  return crawl.heartbeat_micros ? *crawl.heartbeat_micros
                                : static_cast<int64_t>(crawl.start_time * 1e6);
}

StatusOr<bool> fail_stale_crawl(store::Transaction& tx, const std::string& account,
                                const CrawlRow& c, int64_t cutoff_micros) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n,
      finish_crawl_if(tx, account, c,
                      " AND state='RUNNING' AND (heartbeat_micros < ? OR heartbeat_micros IS NULL)",
                      {cutoff_micros}));
  return n > 0;
}

Status insert_firing(store::Transaction& tx, const std::string& account, const Firing& f) {
  return tx
      .exec(
          "INSERT INTO crawler_firings (account_id, crawler, scheduled_time, server_id, "
          "fired_at_micros, "
          "crawl_id, outcome) VALUES (?,?,?,?,?,?,?)",
          {account, f.crawler, f.scheduled_time, f.server_id, f.fired_at_micros, f.crawl_id,
           f.outcome})
      .status();
}

Status set_firing_outcome(store::Transaction& tx, const std::string& account, const Firing& f) {
  return tx
      .exec(
          "UPDATE crawler_firings SET crawl_id=?, outcome=? WHERE account_id=? AND crawler=? AND "
          "scheduled_time=?",
          {f.crawl_id, f.outcome, account, f.crawler, f.scheduled_time})
      .status();
}

StatusOr<std::vector<Firing>> list_firings(store::Transaction& tx, const std::string& account,
                                           const std::string& crawler) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT crawler, scheduled_time, server_id, fired_at_micros, "
                                   "crawl_id, outcome FROM crawler_firings WHERE account_id=? "
                                   "AND crawler=? ORDER BY scheduled_time",
                                   {account, crawler}));
  std::vector<Firing> out;
  for (const auto& r : rows) {
    out.push_back(
        Firing{r.text_at(0), r.int_at(1), r.text_at(2), r.int_at(3), r.text_at(4), r.text_at(5)});
  }
  return out;
}

Status prune_firings(store::Transaction& tx, int64_t before_seconds) {
  return tx.exec("DELETE FROM crawler_firings WHERE scheduled_time < ?", {before_seconds}).status();
}

}  // namespace mortar::crawler
