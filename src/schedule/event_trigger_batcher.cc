#include "schedule/event_trigger_batcher.h"

#include <algorithm>
#include <vector>

#include "catalog/row_lock.h"
#include "common/crypto.h"
#include "schedule/trigger_rows.h"

namespace mortar::schedule {

using Json = nlohmann::json;

namespace {

const std::vector<store::Migration>& migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "pending EVENT trigger batches",
       "CREATE TABLE event_trigger_batches ("
       "  account_id TEXT NOT NULL, trigger_name TEXT NOT NULL, batch_id TEXT NOT NULL,"
       "  workflow_name TEXT NOT NULL, first_micros BIGINT NOT NULL,"
       "  deadline_micros BIGINT NOT NULL, event_ids TEXT NOT NULL,"
       "  PRIMARY KEY (account_id, trigger_name));"
       "CREATE INDEX event_trigger_batches_by_deadline ON event_trigger_batches "
       "(deadline_micros)"},
  };
  return kMigrations;
}

// Glue's defaults when an EVENT trigger has no EventBatchingCondition.
constexpr int kDefaultBatchSize = 1;
constexpr int kDefaultBatchWindow = 900;

struct Batching {
  int size = kDefaultBatchSize;
  int window_seconds = kDefaultBatchWindow;
};

Batching batching_of(const Json& trigger) {
  Batching b;
  auto it = trigger.find("EventBatchingCondition");
  if (it == trigger.end() || !it->is_object()) return b;
  b.size = std::max(1, it->value("BatchSize", kDefaultBatchSize));
  b.window_seconds = std::max(1, it->value("BatchWindow", kDefaultBatchWindow));
  return b;
}

}  // namespace

struct EventTriggerBatcher::Closed {
  std::string account;
  std::string trigger;
  std::string workflow;
  Json event_ids;
  int64_t first_micros = 0;
  int64_t closed_micros = 0;
};

Status EventTriggerBatcher::migrate(store::Store& store) {
  return store.migrate("event_trigger_batches", migrations());
}

EventTriggerBatcher::EventTriggerBatcher(store::Store& store, EventBatcherOptions options)
    : store_(store), options_(std::move(options)), clock_(*options_.clock) {}

StatusOr<std::unique_ptr<EventTriggerBatcher>> EventTriggerBatcher::create(
    store::Store& store, EventBatcherOptions options) {
  std::unique_ptr<EventTriggerBatcher> b(new EventTriggerBatcher(store, std::move(options)));
  MORTAR_RETURN_IF_ERROR(b->rearm());
  return b;
}

EventTriggerBatcher::~EventTriggerBatcher() {
  {
    std::lock_guard lock(mu_);
    if (timer_ != 0) clock_.cancel(timer_);
    timer_ = 0;
  }
  // A timer that already started may still be on its way in: it finds the
  // batcher gone (life_ outlives it) or is waited for here.
  std::unique_lock lock(life_->mu);
  life_->alive = false;
  life_->idle.wait(lock, [this] { return life_->running == 0; });
}

void EventTriggerBatcher::set_starter(WorkflowStarter* starter) {
  std::lock_guard lock(mu_);
  starter_ = starter;
}

void EventTriggerBatcher::log(const std::string& level, const std::string& message) const {
  if (options_.event_log) options_.event_log(level, message);
}

StatusOr<int> EventTriggerBatcher::deliver(const std::string& account, const std::string& workflow,
                                           const Json& event) {
  const std::string event_id = event.value("id", "");
  std::vector<Closed> closed;
  int64_t new_deadline = 0;
  int taken = 0;
  MORTAR_RETURN_IF_ERROR(
      store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
        closed.clear();
        new_deadline = 0;
        taken = 0;
        const int64_t now = clock_.now_micros();
        MORTAR_ASSIGN_OR_RETURN(auto triggers,
                                triggers_in_state(tx, account, "EVENT", "ACTIVATED"));
        for (const TriggerRow& t : triggers) {
          if (t.body.value("WorkflowName", "") != workflow) continue;
          // Feeds of one trigger's batch queue up here (PostgreSQL; SQLite
          // serializes writers anyway); a trigger stopped meanwhile is skipped.
          MORTAR_ASSIGN_OR_RETURN(
              int64_t locked,
              catalog::lock_rows(tx, "triggers", "state", "account_id=? AND name=? AND state=?",
                                 {account, t.name, std::string("ACTIVATED")}));
          if (locked == 0) continue;
          const Batching b = batching_of(t.body);
          MORTAR_ASSIGN_OR_RETURN(
              auto rows, tx.query("SELECT first_micros, event_ids FROM event_trigger_batches "
                                  "WHERE account_id=? AND trigger_name=?",
                                  {account, t.name}));
          Json ids = Json::array();
          int64_t first = now;
          if (!rows.empty()) {
            first = rows[0].int_at(0);
            ids = Json::parse(rows[0].text_at(1), nullptr, false);
            if (!ids.is_array()) ids = Json::array();
          }
          ids.push_back(event_id);
          ++taken;
          if (static_cast<int>(ids.size()) >= b.size) {
            if (!rows.empty()) {
              MORTAR_RETURN_IF_ERROR(
                  tx.exec("DELETE FROM event_trigger_batches WHERE account_id=? AND "
                          "trigger_name=?",
                          {account, t.name})
                      .status());
            }
            closed.push_back(Closed{account, t.name, workflow, std::move(ids), first, now});
          } else if (rows.empty()) {
            const int64_t deadline = now + int64_t{b.window_seconds} * 1000000;
            MORTAR_RETURN_IF_ERROR(
                tx.exec("INSERT INTO event_trigger_batches (account_id, trigger_name, batch_id, "
                        "workflow_name, first_micros, deadline_micros, event_ids) VALUES "
                        "(?,?,?,?,?,?,?)",
                        {account, t.name, new_uuid(), workflow, now, deadline, ids.dump()})
                    .status());
            new_deadline = new_deadline == 0 ? deadline : std::min(new_deadline, deadline);
          } else {
            MORTAR_RETURN_IF_ERROR(
                tx.exec("UPDATE event_trigger_batches SET event_ids=? WHERE account_id=? AND "
                        "trigger_name=?",
                        {ids.dump(), account, t.name})
                    .status());
          }
        }
        return ok_status();
      }));
  if (taken == 0) {
    ++ignored_;
    log("info", "event " + event_id + " for workflow " + workflow +
                    " ignored: the workflow has no ACTIVATED EVENT trigger");
  }
  accepted_ += taken;
  if (new_deadline != 0) arm(new_deadline);
  start_runs(closed);
  return taken;
}

int EventTriggerBatcher::close_due() {
  std::vector<Closed> closed;
  Status s = store::run_in_write_transaction(store_, [&](store::Transaction& tx) -> Status {
    closed.clear();
    const int64_t now = clock_.now_micros();
    MORTAR_ASSIGN_OR_RETURN(
        auto rows,
        tx.query("SELECT account_id, trigger_name, batch_id, workflow_name, first_micros, "
                 "event_ids FROM event_trigger_batches WHERE deadline_micros<=? "
                 "ORDER BY deadline_micros",
                 {now}));
    for (const auto& r : rows) {
      // Whoever deletes the row owns the batch: one run across servers.
      MORTAR_ASSIGN_OR_RETURN(int64_t n,
                              tx.exec("DELETE FROM event_trigger_batches WHERE account_id=? AND "
                                      "trigger_name=? AND batch_id=?",
                                      {r.text_at(0), r.text_at(1), r.text_at(2)}));
      if (n == 0) continue;
      MORTAR_ASSIGN_OR_RETURN(auto trigger, load_trigger(tx, r.text_at(0), r.text_at(1)));
      if (!trigger || trigger->state != "ACTIVATED" || trigger->type != "EVENT") {
        log("info", "dropped the event batch of trigger " + r.text_at(1) +
                        ": the trigger is no longer an ACTIVATED EVENT trigger");
        continue;
      }
      Json ids = Json::parse(r.text_at(5), nullptr, false);
      if (!ids.is_array()) ids = Json::array();
      closed.push_back(
          Closed{r.text_at(0), r.text_at(1), r.text_at(3), std::move(ids), r.int_at(4), now});
    }
    return ok_status();
  });
  if (!s.ok()) {
    log("warn", "closing due event batches failed: " + s.ToString());
    return 0;
  }
  start_runs(closed);
  return static_cast<int>(closed.size());
}

void EventTriggerBatcher::start_runs(const std::vector<Closed>& closed) {
  for (const Closed& c : closed) {
    WorkflowStarter* starter;
    {
      std::lock_guard lock(mu_);
      starter = starter_;
    }
    WorkflowStart start;
    start.account_id = c.account;
    start.workflow_name = c.workflow;
    start.trigger_name = c.trigger;
    start.run_properties["aws:eventIds"] = c.event_ids.dump();
    start.event_batch = EventBatch{static_cast<int>(c.event_ids.size()),
                                   static_cast<int>((c.closed_micros - c.first_micros) / 1000000)};
    const std::string what = "event batch of trigger " + c.trigger + " (" +
                             std::to_string(c.event_ids.size()) + " events) for workflow " +
                             c.workflow;
    if (starter == nullptr) {
      ++failed_;
      log("warn", what + " could not start a workflow run: no workflow starter is connected");
      continue;
    }
    StatusOr<std::string> run = starter->start_workflow_run(start);
    if (run.ok()) {
      ++started_;
      log("info", what + " started workflow run " + *run);
    } else {
      ++failed_;
      log("warn", what + " could not start a workflow run: " + run.status().ToString());
    }
  }
}

Status EventTriggerBatcher::rearm() {
  int64_t earliest = 0;
  MORTAR_RETURN_IF_ERROR(store::run_in_read_transaction(store_, [&](store::Transaction& tx) {
    MORTAR_ASSIGN_OR_RETURN(auto rows,
                            tx.query("SELECT MIN(deadline_micros) FROM event_trigger_batches", {}));
    earliest = rows.empty() || rows[0].is_null(0) ? 0 : rows[0].int_at(0);
    return ok_status();
  }));
  if (options_.rescan_interval_millis > 0) {
    const int64_t rescan = clock_.now_micros() + options_.rescan_interval_millis * 1000;
    earliest = earliest == 0 ? rescan : std::min(earliest, rescan);
  }
  if (earliest != 0) arm(earliest);
  return ok_status();
}

void EventTriggerBatcher::arm(int64_t when_micros) {
  std::lock_guard lock(mu_);
  if (timer_ != 0) {
    if (timer_at_ <= when_micros) return;
    clock_.cancel(timer_);
  }
  const uint64_t generation = ++timer_generation_;
  timer_at_ = when_micros;
  timer_ = clock_.call_at(when_micros, [this, life = life_, generation] {
    {
      std::lock_guard l(life->mu);
      if (!life->alive) return;
      ++life->running;
    }
    on_timer(generation);
    {
      std::lock_guard l(life->mu);
      --life->running;
    }
    life->idle.notify_all();
  });
}

void EventTriggerBatcher::on_timer(uint64_t generation) {
  {
    std::lock_guard lock(mu_);
    if (generation == timer_generation_) timer_ = 0;  // else a newer timer is armed
  }
  close_due();
  Status s = rearm();
  if (!s.ok()) log("warn", "re-reading pending event batches failed: " + s.ToString());
}

EventBatcherStats EventTriggerBatcher::stats() const {
  return EventBatcherStats{accepted_.load(), ignored_.load(), started_.load(), failed_.load()};
}

}  // namespace mortar::schedule
