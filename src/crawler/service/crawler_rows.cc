#include "crawler/service/crawler_rows.h"

#include "catalog/row_lock.h"
#include "store/dialect.h"
#include "store/stored_json.h"

namespace mortar::crawler {
namespace {

using store::Value;

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "crawlers, classifiers and crawl history",
       "CREATE TABLE crawlers ("
       "  account_id TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,"
       "  state TEXT NOT NULL, tags TEXT NOT NULL, PRIMARY KEY (account_id, name));"
       "CREATE TABLE crawler_classifiers ("
       "  account_id TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,"
       "  PRIMARY KEY (account_id, name));"
       "CREATE TABLE crawls ("
       "  account_id TEXT NOT NULL, crawler TEXT NOT NULL, crawl_id TEXT NOT NULL,"
       "  state TEXT NOT NULL, start_time REAL NOT NULL, end_time REAL, summary TEXT NOT NULL,"
       "  error TEXT NOT NULL, plan TEXT NOT NULL, log_path TEXT NOT NULL, dry_run INTEGER NOT "
       "NULL,"
       "  PRIMARY KEY (account_id, crawl_id));"
       "CREATE INDEX crawls_by_crawler ON crawls (account_id, crawler, start_time)"},
      // Start and end times as BIGINT microseconds since the epoch (were REAL
      // seconds: PostgreSQL's REAL is 4 bytes).
      {2, "crawls: start/end times in microseconds",
       "DROP INDEX crawls_by_crawler;" + store::seconds_to_micros_sql({{"crawls", "start_time"}}) +
           store::seconds_to_micros_sql({{"crawls", "end_time"}}, /*nullable=*/true) +
           "CREATE INDEX crawls_by_crawler ON crawls (account_id, crawler, start_time)"},
      // Several servers on one store (crawl_claims.h): who runs a crawl and
      // when it last said so; each schedule fire claimed once.
      {3, "crawl owner and heartbeat; schedule firings",
       "ALTER TABLE crawls ADD COLUMN server_id TEXT NOT NULL DEFAULT '';"
       "ALTER TABLE crawls ADD COLUMN heartbeat_micros BIGINT;"
       "CREATE TABLE crawler_firings ("
       "  account_id TEXT NOT NULL, crawler TEXT NOT NULL, scheduled_time BIGINT NOT NULL,"
       "  server_id TEXT NOT NULL, fired_at_micros BIGINT NOT NULL, crawl_id TEXT NOT NULL,"
       "  outcome TEXT NOT NULL, PRIMARY KEY (account_id, crawler, scheduled_time))"},
  };
  return kMigrations;
}

StatusOr<Json> parse_body(const std::string& text) {
  return store::parse_stored_json(text, "crawler");
}

StatusOr<CrawlerRow> crawler_from(const store::Row& r) {
  CrawlerRow row;
  row.name = r.text_at(0);
  MORTAR_ASSIGN_OR_RETURN(row.body, parse_body(r.text_at(1)));
  row.state = r.text_at(2);
  MORTAR_ASSIGN_OR_RETURN(row.tags, parse_body(r.text_at(3)));
  return row;
}

constexpr const char* kCrawlerColumns = "name, body, state, tags";
constexpr const char* kCrawlColumns =
    "crawler, crawl_id, state, start_time, end_time, summary, error, plan, log_path, dry_run, "
    "server_id, heartbeat_micros";
constexpr size_t kCrawlColumnCount = 12;  // a query's next column follows them

CrawlRow crawl_from(const store::Row& r) {
  CrawlRow c;
  c.crawler = r.text_at(0);
  c.crawl_id = r.text_at(1);
  c.state = r.text_at(2);
  c.start_time = store::seconds_from_micros(r.int_at(3));
  if (!r.is_null(4)) c.end_time = store::seconds_from_micros(r.int_at(4));
  c.summary = r.text_at(5);
  c.error = r.text_at(6);
  c.plan = r.text_at(7);
  c.log_path = r.text_at(8);
  c.dry_run = r.int_at(9) != 0;
  c.server_id = r.text_at(10);
  if (!r.is_null(11)) c.heartbeat_micros = r.int_at(11);
  return c;
}

Value end_value(const CrawlRow& c) {
  return c.end_time ? Value(store::micros_from_seconds(*c.end_time)) : Value(std::monostate{});
}

}  // namespace

Json last_crawl(const std::string& status, const std::string& error, const std::string& crawler,
                const std::string& crawl_id, double start_time) {
  Json j = {{"Status", status},
            {"LogGroup", "/aws-glue/crawlers"},
            {"LogStream", crawler},
            {"MessagePrefix", crawl_id},
            {"StartTime", start_time}};
  if (!error.empty()) j["ErrorMessage"] = error.substr(0, kMaxErrorMessage);
  return j;
}

Status migrate_crawler_rows(store::Store& store) { return store.migrate("crawlers", migrations()); }

StatusOr<std::optional<CrawlerRow>> load_crawler(store::Transaction& tx, const std::string& account,
                                                 const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kCrawlerColumns +
                                                  " FROM crawlers WHERE account_id=? AND name=?",
                                              {account, name}));
  if (rows.empty()) return std::optional<CrawlerRow>();
  MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, crawler_from(rows[0]));
  return std::optional<CrawlerRow>(std::move(row));
}

StatusOr<CrawlerRow> require_crawler(store::Transaction& tx, const std::string& account,
                                     const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto row, load_crawler(tx, account, name));
  if (!row) return not_found("Crawler entry with name " + name + " does not exist");
  return std::move(*row);
}

StatusOr<CrawlerRow> require_crawler_for_write(store::Transaction& tx, const std::string& account,
                                               const std::string& name) {
  MORTAR_RETURN_IF_ERROR(
      catalog::lock_rows(tx, "crawlers", "state", "account_id=? AND name=?", {account, name})
          .status());
  return require_crawler(tx, account, name);
}

Status insert_crawler(store::Transaction& tx, const std::string& account, const CrawlerRow& row) {
  auto r = tx.exec("INSERT INTO crawlers (account_id, name, body, state, tags) VALUES (?,?,?,?,?)",
                   {account, row.name, row.body.dump(), row.state, row.tags.dump()});
  if (r.status().code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("Crawler with name " + row.name + " has already been created");
  }
  return r.status();
}

Status save_crawler(store::Transaction& tx, const std::string& account, const CrawlerRow& row) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n,
      tx.exec("UPDATE crawlers SET body=?, state=?, tags=? WHERE account_id=? AND name=?",
              {row.body.dump(), row.state, row.tags.dump(), account, row.name}));
  if (n == 0) return not_found("Crawler entry with name " + row.name + " does not exist");
  return ok_status();
}

Status save_crawler_tags(store::Transaction& tx, const std::string& account,
                         const std::string& name, const Json& tags) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n,
                          tx.exec("UPDATE crawlers SET tags=? WHERE account_id=? AND name=?",
                                  {tags.dump(), account, name}));
  if (n == 0) return not_found("Crawler entry with name " + name + " does not exist");
  return ok_status();
}

Status delete_crawler_row(store::Transaction& tx, const std::string& account,
                          const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("DELETE FROM crawlers WHERE account_id=? AND name=?", {account, name}));
  if (n == 0) return not_found("Crawler entry with name " + name + " does not exist");
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM crawler_firings WHERE account_id=? AND crawler=?", {account, name})
          .status());
  return tx.exec("DELETE FROM crawls WHERE account_id=? AND crawler=?", {account, name}).status();
}

StatusOr<std::vector<CrawlerRow>> list_crawlers(store::Transaction& tx, const std::string& account,
                                                const std::string& after, int limit) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(std::string("SELECT ") + kCrawlerColumns +
                              " FROM crawlers WHERE account_id=? AND name>? ORDER BY name LIMIT ?",
                          {account, after, static_cast<int64_t>(limit)}));
  std::vector<CrawlerRow> out;
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, crawler_from(r));
    out.push_back(std::move(row));
  }
  return out;
}

namespace {
StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> crawlers_where(store::Transaction& tx,
                                                                         const std::string& where) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kCrawlerColumns +
                                              ", account_id FROM crawlers WHERE " + where));
  std::vector<std::pair<std::string, CrawlerRow>> out;
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(CrawlerRow row, crawler_from(r));
    out.emplace_back(r.text_at(4), std::move(row));
  }
  return out;
}
}  // namespace

StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> busy_crawlers(store::Transaction& tx) {
  return crawlers_where(tx, "state <> 'READY'");
}

StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> scheduled_crawlers(
    store::Transaction& tx) {
  MORTAR_ASSIGN_OR_RETURN(auto all, crawlers_where(tx, "1=1"));
  std::vector<std::pair<std::string, CrawlerRow>> out;
  for (auto& [account, row] : all) {
    const Json& s = row.body.value("Schedule", Json::object());
    if (s.value("State", "") == "SCHEDULED") out.emplace_back(account, std::move(row));
  }
  return out;
}

StatusOr<std::vector<std::pair<std::string, CrawlerRow>>> event_mode_crawlers(
    store::Transaction& tx) {
  // LIKE narrows the rows read; the policy is checked on the parsed body.
  MORTAR_ASSIGN_OR_RETURN(auto some, crawlers_where(tx, "body LIKE '%CRAWL_EVENT_MODE%'"));
  std::vector<std::pair<std::string, CrawlerRow>> out;
  for (auto& [account, row] : some) {
    const Json& rp = row.body.value("RecrawlPolicy", Json::object());
    if (rp.is_object() && rp.value("RecrawlBehavior", "") == "CRAWL_EVENT_MODE")
      out.emplace_back(account, std::move(row));
  }
  return out;
}

Status insert_crawl(store::Transaction& tx, const std::string& account, const CrawlRow& c) {
  return tx
      .exec(std::string("INSERT INTO crawls (account_id, ") + kCrawlColumns +
                ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            {account, c.crawler, c.crawl_id, c.state, store::micros_from_seconds(c.start_time),
             end_value(c), c.summary, c.error, c.plan, c.log_path,
             static_cast<int64_t>(c.dry_run ? 1 : 0), c.server_id,
             c.heartbeat_micros ? Value(*c.heartbeat_micros) : Value(std::monostate{})})
      .status();
}

Status finish_crawl(store::Transaction& tx, const std::string& account, const CrawlRow& c) {
  return finish_crawl_if(tx, account, c, "", {}).status();
}

StatusOr<int64_t> finish_crawl_if(store::Transaction& tx, const std::string& account,
                                  const CrawlRow& c, const std::string& condition,
                                  const std::vector<store::Value>& params) {
  std::vector<Value> all = {c.state, end_value(c), c.summary, c.error, c.plan, account, c.crawl_id};
  all.insert(all.end(), params.begin(), params.end());
  return tx.exec(
      "UPDATE crawls SET state=?, end_time=?, summary=?, error=?, plan=? "
      "WHERE account_id=? AND crawl_id=?" +
          condition,
      all);
}

StatusOr<std::vector<CrawlRow>> list_crawl_rows(store::Transaction& tx, const std::string& account,
                                                const std::string& crawler) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kCrawlColumns +
                                                  " FROM crawls WHERE account_id=? AND crawler=? "
                                                  "ORDER BY start_time DESC, crawl_id DESC",
                                              {account, crawler}));
  std::vector<CrawlRow> out;
  for (const auto& r : rows) out.push_back(crawl_from(r));
  return out;
}

StatusOr<std::optional<CrawlRow>> find_crawl(store::Transaction& tx, const std::string& account,
                                             const std::string& crawler,
                                             const std::string& crawl_id) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query(std::string("SELECT ") + kCrawlColumns +
                              " FROM crawls WHERE account_id=? AND crawler=? AND crawl_id=?",
                          {account, crawler, crawl_id}));
  if (rows.empty()) return std::optional<CrawlRow>();
  return std::optional<CrawlRow>(crawl_from(rows[0]));
}

StatusOr<std::vector<std::pair<std::string, CrawlRow>>> running_crawls(store::Transaction& tx) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kCrawlColumns +
                                              ", account_id FROM crawls WHERE state='RUNNING'"));
  std::vector<std::pair<std::string, CrawlRow>> out;
  for (const auto& r : rows) out.emplace_back(r.text_at(kCrawlColumnCount), crawl_from(r));
  return out;
}

StatusOr<std::vector<std::pair<std::string, CrawlRow>>> fail_running_crawls(
    store::Transaction& tx, const std::string& reason, double end_time) {
  MORTAR_ASSIGN_OR_RETURN(auto out, running_crawls(tx));
  for (auto& [account, c] : out) {
    c.state = "FAILED";
    c.error = reason;
    c.end_time = end_time;
    MORTAR_RETURN_IF_ERROR(finish_crawl(tx, account, c));
  }
  return out;
}

StatusOr<std::optional<Json>> load_classifier(store::Transaction& tx, const std::string& account,
                                              const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT body FROM crawler_classifiers "
                                              "WHERE account_id=? AND name=?",
                                              {account, name}));
  if (rows.empty()) return std::optional<Json>();
  MORTAR_ASSIGN_OR_RETURN(Json body, parse_body(rows[0].text_at(0)));
  return std::optional<Json>(std::move(body));
}

StatusOr<std::optional<Json>> load_classifier_for_write(store::Transaction& tx,
                                                        const std::string& account,
                                                        const std::string& name) {
  MORTAR_RETURN_IF_ERROR(catalog::lock_rows(tx, "crawler_classifiers", "body",
                                            "account_id=? AND name=?", {account, name})
                             .status());
  return load_classifier(tx, account, name);
}

Status insert_classifier(store::Transaction& tx, const std::string& account, const std::string& name,
                         const Json& body) {
  auto r = tx.exec("INSERT INTO crawler_classifiers (account_id, name, body) VALUES (?,?,?)",
                   {account, name, body.dump()});
  if (r.status().code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("Classifier with name " + name + " already exists");
  }
  return r.status();
}

Status save_classifier(store::Transaction& tx, const std::string& account, const std::string& name,
                       const Json& body) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n, tx.exec("UPDATE crawler_classifiers SET body=? "
                                             "WHERE account_id=? AND name=?",
                                             {body.dump(), account, name}));
  if (n == 0) return not_found("Classifier with name " + name + " does not exist");
  return ok_status();
}

StatusOr<bool> delete_classifier_row(store::Transaction& tx, const std::string& account,
                                     const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n,
      tx.exec("DELETE FROM crawler_classifiers WHERE account_id=? AND name=?", {account, name}));
  return n > 0;
}

StatusOr<std::vector<std::pair<std::string, Json>>> list_classifiers(store::Transaction& tx,
                                                                     const std::string& account,
                                                                     const std::string& after,
                                                                     int limit) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT name, body FROM crawler_classifiers "
                                              "WHERE account_id=? AND name>? ORDER BY name LIMIT ?",
                                              {account, after, static_cast<int64_t>(limit)}));
  std::vector<std::pair<std::string, Json>> out;
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(Json body, parse_body(r.text_at(1)));
    out.emplace_back(r.text_at(0), std::move(body));
  }
  return out;
}

}  // namespace mortar::crawler
