#include "crawler/plan/crawl_events.h"

namespace mortar::crawler {

Status CrawlEvents::migrate(store::Store& store) {
  return store.migrate(
      "crawl_events",
      {{1, "objects created below event-mode crawlers' targets, and their baselines",
        "CREATE TABLE crawl_event_objects ("
        "  account_id TEXT NOT NULL, crawler TEXT NOT NULL, path TEXT NOT NULL,"
        "  seq BIGINT NOT NULL, PRIMARY KEY (account_id, crawler, path));"
        "CREATE TABLE crawl_event_baselines ("
        "  account_id TEXT NOT NULL, crawler TEXT NOT NULL, PRIMARY KEY (account_id, crawler))"}});
}

Status CrawlEvents::record(store::Transaction& tx, const std::string& account,
                           const std::string& crawler, const std::string& path, int64_t seq) {
  return tx
      .exec(
          "INSERT INTO crawl_event_objects (account_id, crawler, path, seq) VALUES (?,?,?,?) "
          "ON CONFLICT (account_id, crawler, path) DO UPDATE SET seq = excluded.seq",
          {account, crawler, path, seq})
      .status();
}

StatusOr<std::vector<PendingObject>> CrawlEvents::pending(store::Store& store,
                                                          const std::string& account,
                                                          const std::string& crawler) {
  std::vector<PendingObject> out;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store, [&](store::Transaction& tx) -> Status {
        out.clear();
        MORTAR_ASSIGN_OR_RETURN(
            auto rows, tx.query("SELECT path, seq FROM crawl_event_objects WHERE account_id = ? "
                                "AND crawler = ? ORDER BY path",
                                {account, crawler}));
        for (const auto& r : rows) out.push_back({r.text_at(0), r.int_at(1)});
        return ok_status();
      }));
  return out;
}

Status CrawlEvents::consume(store::Store& store, const std::string& account,
                            const std::string& crawler, const std::vector<PendingObject>& read) {
  if (read.empty()) return ok_status();
  return store::run_in_write_transaction(store, [&](store::Transaction& tx) -> Status {
    for (const PendingObject& o : read) {
      MORTAR_RETURN_IF_ERROR(tx.exec("DELETE FROM crawl_event_objects WHERE account_id = ? AND "
                                     "crawler = ? AND path = ? AND seq = ?",
                                     {account, crawler, o.path, o.seq})
                                 .status());
    }
    return ok_status();
  });
}

StatusOr<bool> CrawlEvents::has_baseline(store::Store& store, const std::string& account,
                                         const std::string& crawler) {
  bool found = false;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_read_transaction(store, [&](store::Transaction& tx) -> Status {
        MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT 1 FROM crawl_event_baselines WHERE "
                                                    "account_id = ? AND crawler = ?",
                                                    {account, crawler}));
        found = !rows.empty();
        return ok_status();
      }));
  return found;
}

Status CrawlEvents::set_baseline(store::Store& store, const std::string& account,
                                 const std::string& crawler) {
  return store::run_in_write_transaction(store, [&](store::Transaction& tx) -> Status {
    return tx
        .exec(
            "INSERT INTO crawl_event_baselines (account_id, crawler) VALUES (?,?) "
            "ON CONFLICT (account_id, crawler) DO NOTHING",
            {account, crawler})
        .status();
  });
}

Status CrawlEvents::reset_baseline(store::Transaction& tx, const std::string& account,
                                   const std::string& crawler) {
  return tx
      .exec("DELETE FROM crawl_event_baselines WHERE account_id = ? AND crawler = ?",
            {account, crawler})
      .status();
}

Status CrawlEvents::drop(store::Transaction& tx, const std::string& account,
                         const std::string& crawler) {
  MORTAR_RETURN_IF_ERROR(reset_baseline(tx, account, crawler));
  return tx
      .exec("DELETE FROM crawl_event_objects WHERE account_id = ? AND crawler = ?",
            {account, crawler})
      .status();
}

}  // namespace mortar::crawler
