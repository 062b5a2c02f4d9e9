#include "schedule/trigger_rows.h"

#include "catalog/row_lock.h"
#include "store/stored_json.h"

namespace mortar::schedule {
namespace {

using store::Value;

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "triggers, fire claims, trigger-started run events",
       "CREATE TABLE triggers ("
       "  account_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL,"
       "  body TEXT NOT NULL, tags TEXT NOT NULL, created_micros BIGINT NOT NULL,"
       "  PRIMARY KEY (account_id, name));"
       "CREATE TABLE trigger_firings ("
       "  account_id TEXT NOT NULL, trigger_name TEXT NOT NULL, fire_key TEXT NOT NULL,"
       "  server_id TEXT NOT NULL, fired_at_micros BIGINT NOT NULL, outcome TEXT NOT NULL,"
       "  PRIMARY KEY (account_id, trigger_name, fire_key));"
       "CREATE INDEX trigger_firings_by_time ON trigger_firings (fired_at_micros);"
       "CREATE TABLE trigger_run_events ("
       "  seq {{AUTO_ID}}, account_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,"
       "  chain TEXT NOT NULL, run_id TEXT NOT NULL, state TEXT NOT NULL,"
       "  trigger_name TEXT NOT NULL, finished_micros BIGINT NOT NULL);"
       "CREATE UNIQUE INDEX trigger_run_events_by_run ON trigger_run_events (account_id, kind, "
       "run_id);"
       "CREATE INDEX trigger_run_events_latest ON trigger_run_events (account_id, kind, name, "
       "chain, seq);"
       "CREATE TABLE trigger_chain_fires ("
       "  account_id TEXT NOT NULL, trigger_name TEXT NOT NULL, chain TEXT NOT NULL,"
       "  last_seq BIGINT NOT NULL, PRIMARY KEY (account_id, trigger_name, chain));"
       "CREATE TABLE trigger_started_crawls ("
       "  account_id TEXT NOT NULL, crawler TEXT NOT NULL, trigger_name TEXT NOT NULL,"
       "  workflow_name TEXT NOT NULL, chain TEXT NOT NULL, started_micros BIGINT NOT NULL,"
       "  PRIMARY KEY (account_id, crawler))"},
  };
  return kMigrations;
}

StatusOr<Json> parse_json(const std::string& text) {
  return store::parse_stored_json(text, "trigger");
}

constexpr const char* kColumns = "account_id, name, type, state, body, tags, created_micros";

StatusOr<TriggerRow> row_from(const store::Row& r) {
  TriggerRow row;
  row.account = r.text_at(0);
  row.name = r.text_at(1);
  row.type = r.text_at(2);
  row.state = r.text_at(3);
  MORTAR_ASSIGN_OR_RETURN(row.body, parse_json(r.text_at(4)));
  MORTAR_ASSIGN_OR_RETURN(row.tags, parse_json(r.text_at(5)));
  row.created_micros = r.int_at(6);
  return row;
}

StatusOr<std::vector<TriggerRow>> rows_from(const std::vector<store::Row>& rows) {
  std::vector<TriggerRow> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    MORTAR_ASSIGN_OR_RETURN(TriggerRow row, row_from(r));
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Status migrate_trigger_rows(store::Store& store) { return store.migrate("triggers", migrations()); }

StatusOr<std::optional<TriggerRow>> load_trigger(store::Transaction& tx, const std::string& account,
                                                 const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kColumns +
                                                  " FROM triggers WHERE account_id=? AND name=?",
                                              {account, name}));
  if (rows.empty()) return std::optional<TriggerRow>();
  MORTAR_ASSIGN_OR_RETURN(TriggerRow row, row_from(rows[0]));
  return std::optional<TriggerRow>(std::move(row));
}

StatusOr<TriggerRow> require_trigger(store::Transaction& tx, const std::string& account,
                                     const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(auto row, load_trigger(tx, account, name));
  if (!row) return not_found("Trigger " + name + " not found");
  return std::move(*row);
}

StatusOr<TriggerRow> require_trigger_for_write(store::Transaction& tx, const std::string& account,
                                               const std::string& name) {
  MORTAR_RETURN_IF_ERROR(
      catalog::lock_rows(tx, "triggers", "state", "account_id=? AND name=?", {account, name})
          .status());
  return require_trigger(tx, account, name);
}

Status insert_trigger(store::Transaction& tx, const TriggerRow& row) {
  auto r = tx.exec(
      "INSERT INTO triggers (account_id, name, type, state, body, tags, created_micros) "
      "VALUES (?,?,?,?,?,?,?)",
      {row.account, row.name, row.type, row.state, row.body.dump(), row.tags.dump(),
       row.created_micros});
  if (r.status().code() == absl::StatusCode::kAlreadyExists) {
    return already_exists("Trigger with name " + row.name + " already exists");
  }
  return r.status();
}

Status save_trigger(store::Transaction& tx, const TriggerRow& row) {
  return tx
      .exec("UPDATE triggers SET type=?, state=?, body=?, tags=? WHERE account_id=? AND name=?",
            {row.type, row.state, row.body.dump(), row.tags.dump(), row.account, row.name})
      .status();
}

StatusOr<bool> delete_trigger_row(store::Transaction& tx, const std::string& account,
                                  const std::string& name) {
  MORTAR_ASSIGN_OR_RETURN(
      int64_t n, tx.exec("DELETE FROM triggers WHERE account_id=? AND name=?", {account, name}));
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM trigger_firings WHERE account_id=? AND trigger_name=?", {account, name})
          .status());
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM trigger_chain_fires WHERE account_id=? AND trigger_name=?",
              {account, name})
          .status());
  return n > 0;
}

StatusOr<std::vector<TriggerRow>> list_trigger_rows(store::Transaction& tx,
                                                    const std::string& account,
                                                    const std::string& after, int limit) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kColumns +
                                                  " FROM triggers WHERE account_id=? AND name>? "
                                                  "ORDER BY name LIMIT ?",
                                              {account, after, static_cast<int64_t>(limit)}));
  return rows_from(rows);
}

StatusOr<std::vector<TriggerRow>> triggers_in_state(store::Transaction& tx,
                                                    const std::string& account,
                                                    const std::string& type,
                                                    const std::string& state) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM triggers WHERE type=? AND state=?";
  std::vector<Value> params = {type, state};
  if (!account.empty()) {
    sql += " AND account_id=?";
    params.emplace_back(account);
  }
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query(sql + " ORDER BY account_id, name", params));
  return rows_from(rows);
}

Status insert_trigger_firing(store::Transaction& tx, const std::string& account,
                             const std::string& trigger, const std::string& fire_key,
                             const std::string& server_id, int64_t fired_at_micros) {
  return tx
      .exec(
          "INSERT INTO trigger_firings (account_id, trigger_name, fire_key, server_id, "
          "fired_at_micros, outcome) VALUES (?,?,?,?,?,'')",
          {account, trigger, fire_key, server_id, fired_at_micros})
      .status();
}

StatusOr<bool> trigger_firing_exists(store::Transaction& tx, const std::string& account,
                                     const std::string& trigger, const std::string& fire_key) {
  MORTAR_ASSIGN_OR_RETURN(auto rows, tx.query("SELECT 1 FROM trigger_firings WHERE account_id=? "
                                              "AND trigger_name=? AND fire_key=?",
                                              {account, trigger, fire_key}));
  return !rows.empty();
}

Status set_trigger_firing_outcome(store::Transaction& tx, const std::string& account,
                                  const std::string& trigger, const std::string& fire_key,
                                  const std::string& outcome) {
  return tx
      .exec(
          "UPDATE trigger_firings SET outcome=? WHERE account_id=? AND trigger_name=? AND "
          "fire_key=?",
          {outcome, account, trigger, fire_key})
      .status();
}

StatusOr<std::vector<TriggerFiring>> list_trigger_firings(store::Transaction& tx,
                                                          const std::string& account,
                                                          const std::string& trigger) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT fire_key, server_id, outcome FROM trigger_firings "
                                   "WHERE account_id=? AND trigger_name=? ORDER BY "
                                   "fired_at_micros, fire_key",
                                   {account, trigger}));
  std::vector<TriggerFiring> out;
  for (const auto& r : rows) out.push_back({r.text_at(0), r.text_at(1), r.text_at(2)});
  return out;
}

Status prune_trigger_firings(store::Transaction& tx, int64_t before_micros) {
  return tx.exec("DELETE FROM trigger_firings WHERE fired_at_micros < ?", {before_micros}).status();
}

StatusOr<int64_t> insert_run_event(store::Transaction& tx, const std::string& account,
                                   const RunEvent& e) {
  MORTAR_ASSIGN_OR_RETURN(
      auto seen, tx.query("SELECT seq FROM trigger_run_events WHERE account_id=? AND kind=? AND "
                          "run_id=?",
                          {account, e.kind, e.run_id}));
  if (!seen.empty()) return already_exists("run " + e.run_id + " was recorded already");
  MORTAR_ASSIGN_OR_RETURN(
      auto rows,
      tx.query("INSERT INTO trigger_run_events (account_id, kind, name, chain, run_id, state, "
               "trigger_name, finished_micros) VALUES (?,?,?,?,?,?,?,?) RETURNING seq",
               {account, e.kind, e.name, e.chain, e.run_id, e.state, e.trigger_name,
                e.finished_micros}));
  if (rows.empty()) return internal_error("recording a run event returned no seq");
  return rows[0].int_at(0);
}

StatusOr<std::optional<RunEvent>> latest_run_event(store::Transaction& tx,
                                                   const std::string& account,
                                                   const std::string& kind, const std::string& name,
                                                   const std::string& chain) {
  MORTAR_ASSIGN_OR_RETURN(
      auto rows, tx.query("SELECT seq, run_id, state, trigger_name, finished_micros FROM "
                          "trigger_run_events WHERE account_id=? AND kind=? AND name=? AND "
                          "chain=? ORDER BY seq DESC LIMIT 1",
                          {account, kind, name, chain}));
  if (rows.empty()) return std::optional<RunEvent>();
  const auto& r = rows[0];
  return std::optional<RunEvent>(RunEvent{r.int_at(0), kind, name, chain, r.text_at(1),
                                          r.text_at(2), r.text_at(3), r.int_at(4)});
}

Status prune_run_events(store::Transaction& tx, int64_t before_micros) {
  // The newest per (account, kind, name, chain) is found through the
  // trigger_run_events_latest index.
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM trigger_run_events WHERE finished_micros < ? AND (chain <> '' OR "
              "seq < (SELECT MAX(n.seq) FROM trigger_run_events n WHERE "
              "n.account_id = trigger_run_events.account_id AND n.kind = trigger_run_events.kind "
              "AND n.name = trigger_run_events.name AND n.chain = trigger_run_events.chain))",
              {before_micros})
          .status());
  return tx
      .exec(
          "DELETE FROM trigger_chain_fires WHERE chain <> '' AND NOT EXISTS (SELECT 1 FROM "
          "trigger_run_events e WHERE e.seq = trigger_chain_fires.last_seq)")
      .status();
}

StatusOr<int64_t> chain_fired_seq(store::Transaction& tx, const std::string& account,
                                  const std::string& trigger, const std::string& chain) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT last_seq FROM trigger_chain_fires WHERE account_id=? "
                                   "AND trigger_name=? AND chain=?",
                                   {account, trigger, chain}));
  return rows.empty() ? 0 : rows[0].int_at(0);
}

Status set_chain_fired_seq(store::Transaction& tx, const std::string& account,
                           const std::string& trigger, const std::string& chain, int64_t seq) {
  MORTAR_ASSIGN_OR_RETURN(int64_t n,
                          tx.exec("UPDATE trigger_chain_fires SET last_seq=? WHERE account_id=? "
                                  "AND trigger_name=? AND chain=?",
                                  {seq, account, trigger, chain}));
  if (n > 0) return ok_status();
  return tx
      .exec(
          "INSERT INTO trigger_chain_fires (account_id, trigger_name, chain, last_seq) VALUES "
          "(?,?,?,?)",
          {account, trigger, chain, seq})
      .status();
}

Status put_started_crawl(store::Transaction& tx, const std::string& account,
                         const std::string& crawler, const StartedCrawl& s) {
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM trigger_started_crawls WHERE account_id=? AND crawler=?",
              {account, crawler})
          .status());
  return tx
      .exec(
          "INSERT INTO trigger_started_crawls (account_id, crawler, trigger_name, workflow_name, "
          "chain, started_micros) VALUES (?,?,?,?,?,?)",
          {account, crawler, s.trigger_name, s.workflow_name, s.chain, s.started_micros})
      .status();
}

StatusOr<std::optional<StartedCrawl>> take_started_crawl(store::Transaction& tx,
                                                         const std::string& account,
                                                         const std::string& crawler) {
  MORTAR_ASSIGN_OR_RETURN(auto rows,
                          tx.query("SELECT trigger_name, workflow_name, chain, started_micros FROM "
                                   "trigger_started_crawls WHERE account_id=? AND crawler=?",
                                   {account, crawler}));
  if (rows.empty()) return std::optional<StartedCrawl>();
  MORTAR_RETURN_IF_ERROR(
      tx.exec("DELETE FROM trigger_started_crawls WHERE account_id=? AND crawler=?",
              {account, crawler})
          .status());
  const auto& r = rows[0];
  return std::optional<StartedCrawl>(
      StartedCrawl{r.text_at(0), r.text_at(1), r.text_at(2), r.int_at(3)});
}

Status drop_started_crawl(store::Transaction& tx, const std::string& account,
                          const std::string& crawler, int64_t started_micros) {
  return tx
      .exec(
          "DELETE FROM trigger_started_crawls WHERE account_id=? AND crawler=? AND "
          "started_micros=?",
          {account, crawler, started_micros})
      .status();
}

}  // namespace mortar::schedule
