// The Store rows behind triggers (free functions over a Transaction, as
// crawler_rows.h does for crawlers):
//   triggers                 one row per trigger: the Trigger JSON, its state, tags
//   trigger_firings          one claim per (trigger, fire key): a cron time
//                            fires once across servers and failovers
//   trigger_run_events       finished runs and crawls that a trigger or
//                            workflow started (what conditional triggers watch)
//   trigger_chain_fires      per AND trigger and chain: the newest event it fired on
//   trigger_started_crawls   which trigger started a crawler's current crawl
//                            (CrawlerService does not record origins)
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace mortar::schedule {

using Json = nlohmann::json;

Status migrate_trigger_rows(store::Store& store);

struct TriggerRow {
  std::string account;
  std::string name;
  std::string type;   // SCHEDULED | CONDITIONAL | ON_DEMAND | EVENT
  std::string state;  // CREATED | ACTIVATED | DEACTIVATED
  Json body;          // the Trigger object without State
  Json tags = Json::object();
  int64_t created_micros = 0;
};

StatusOr<std::optional<TriggerRow>> load_trigger(store::Transaction& tx, const std::string& account,
                                                 const std::string& name);
// NotFound "Trigger <name> not found" when absent.
StatusOr<TriggerRow> require_trigger(store::Transaction& tx, const std::string& account,
                                     const std::string& name);
// Same, after locking the row until the transaction ends (read-modify-write).
StatusOr<TriggerRow> require_trigger_for_write(store::Transaction& tx, const std::string& account,
                                               const std::string& name);
// AlreadyExists when the name is taken.
Status insert_trigger(store::Transaction& tx, const TriggerRow& row);
Status save_trigger(store::Transaction& tx, const TriggerRow& row);
// Removes the trigger with its claims and chain state; false when absent.
StatusOr<bool> delete_trigger_row(store::Transaction& tx, const std::string& account,
                                  const std::string& name);
// The account's triggers named after `after`, by name, at most `limit`.
StatusOr<std::vector<TriggerRow>> list_trigger_rows(store::Transaction& tx,
                                                    const std::string& account,
                                                    const std::string& after, int limit);
// Triggers of `type` in `state`, across all accounts ("" account) or one.
StatusOr<std::vector<TriggerRow>> triggers_in_state(store::Transaction& tx,
                                                    const std::string& account,
                                                    const std::string& type,
                                                    const std::string& state);

// Claims `fire_key` for the trigger: AlreadyExists when claimed before (on
// PostgreSQL the transaction is then unusable: roll it back).
Status insert_trigger_firing(store::Transaction& tx, const std::string& account,
                             const std::string& trigger, const std::string& fire_key,
                             const std::string& server_id, int64_t fired_at_micros);
// Whether `fire_key` was claimed for the trigger (checked before inserting
// when several claims share a transaction, which one failed insert would abort
// on PostgreSQL).
StatusOr<bool> trigger_firing_exists(store::Transaction& tx, const std::string& account,
                                     const std::string& trigger, const std::string& fire_key);
Status set_trigger_firing_outcome(store::Transaction& tx, const std::string& account,
                                  const std::string& trigger, const std::string& fire_key,
                                  const std::string& outcome);
struct TriggerFiring {
  std::string fire_key;
  std::string server_id;
  std::string outcome;
};
// Oldest first.
StatusOr<std::vector<TriggerFiring>> list_trigger_firings(store::Transaction& tx,
                                                          const std::string& account,
                                                          const std::string& trigger);
// Forgets claims made before `before_micros` (all accounts).
Status prune_trigger_firings(store::Transaction& tx, int64_t before_micros);

// A job run or crawl that a trigger or workflow started reached a final state.
struct RunEvent {
  int64_t seq = 0;    // assigned on insert; later events have larger ones
  std::string kind;   // "JOB" | "CRAWLER"
  std::string name;   // the job or crawler
  std::string chain;  // the workflow run id ("" outside workflows)
  std::string run_id;
  std::string state;  // SUCCEEDED, FAILED, ...
  std::string trigger_name;
  int64_t finished_micros = 0;
};
// A resumed workflow run's copy of an earlier run's event has the run id
// "<run id><this><workflow run id>" (event run ids are unique).
inline constexpr const char* kCopiedRunSeparator = "@";

// Records `event` and returns its seq; AlreadyExists when (kind, run id) was
// recorded before (a completion reported twice).
StatusOr<int64_t> insert_run_event(store::Transaction& tx, const std::string& account,
                                   const RunEvent& event);
// The newest event of (kind, name) in `chain`.
StatusOr<std::optional<RunEvent>> latest_run_event(store::Transaction& tx,
                                                   const std::string& account,
                                                   const std::string& kind, const std::string& name,
                                                   const std::string& chain);
// Forgets events that finished before `before_micros`, except the newest of
// each job/crawler outside workflows (an AND trigger may still pair it with
// a later run); in workflow runs (chain != "") all of them, with the chain
// state of AND triggers that fired on a forgotten event there.
Status prune_run_events(store::Transaction& tx, int64_t before_micros);
// The seq of the newest event the AND trigger fired on in `chain` (0: none).
StatusOr<int64_t> chain_fired_seq(store::Transaction& tx, const std::string& account,
                                  const std::string& trigger, const std::string& chain);
Status set_chain_fired_seq(store::Transaction& tx, const std::string& account,
                           const std::string& trigger, const std::string& chain, int64_t seq);

struct StartedCrawl {
  std::string trigger_name;
  std::string workflow_name;
  std::string chain;
  int64_t started_micros = 0;
};
Status put_started_crawl(store::Transaction& tx, const std::string& account,
                         const std::string& crawler, const StartedCrawl& started);
// Removes and returns the record of the crawler's trigger-started crawl.
StatusOr<std::optional<StartedCrawl>> take_started_crawl(store::Transaction& tx,
                                                         const std::string& account,
                                                         const std::string& crawler);
// Removes it only if it is still the one started at `started_micros`.
Status drop_started_crawl(store::Transaction& tx, const std::string& account,
                          const std::string& crawler, int64_t started_micros);

}  // namespace mortar::schedule
