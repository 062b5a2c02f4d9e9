// EventTriggerBatcher: what an EVENT trigger does with the events EventBridge
// rules deliver to its workflow (events/event_rules.h). Per (account, EVENT
// trigger) it collects a batch; the batch starts a workflow run through the
// WorkflowStarter when EventBatchingCondition.BatchSize events have arrived,
// or BatchWindow seconds (default 900) after the batch's first event,
// whichever comes first. The run gets EventBatch{events, seconds since the
// first event} (WorkflowRun.StartingEventBatchCondition) and the run
// property "aws:eventIds" (a JSON list of the batch's event ids), as Glue
// documents. Only ACTIVATED EVENT triggers take events; a batch whose
// trigger was stopped or deleted before its window ended is dropped.
//
// Several servers on one store: pending batches live in the store
// (event_trigger_batches), each fed under the trigger row's lock, and a batch
// is closed by deleting its row -- only the server whose DELETE removed it
// starts the run, so a batch starts one run whichever servers saw its events
// or armed its window. Every server arms a timer (Clock::call_at) for the
// earliest pending window, re-read from the store every
// `rescan_interval_millis` (so a batch whose server died still closes).
// A window closes on the clock's timer thread: a few store writes and the
// WorkflowStarter calls of the batches it closes.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "schedule/workflow_starter.h"
#include "store/store.h"

namespace mortar::schedule {

struct EventBatcherOptions {
  const Clock* clock = &Clock::real();
  // 0: only the windows this server armed (one server per store, tests).
  int64_t rescan_interval_millis = 0;
  // Batches that could not start a run, events no trigger took; may be unset.
  std::function<void(const std::string& level, const std::string& message)> event_log;
};

struct EventBatcherStats {
  int64_t events_accepted = 0;  // (event, trigger) pairs added to a batch
  int64_t events_ignored = 0;   // events for a workflow without an ACTIVATED EVENT trigger
  int64_t batches_started = 0;  // batches that started a workflow run
  int64_t batches_failed = 0;   // batches the starter refused (or none was set)
};

class EventTriggerBatcher {
 public:
  static Status migrate(store::Store& store);
  // `store` must be migrated (this and TriggerService::migrate) and outlive
  // the batcher. Arms the window of batches already pending.
  static StatusOr<std::unique_ptr<EventTriggerBatcher>> create(store::Store& store,
                                                               EventBatcherOptions options);
  // Cancels its timers and waits for a window closing right now.
  ~EventTriggerBatcher();
  EventTriggerBatcher(const EventTriggerBatcher&) = delete;
  EventTriggerBatcher& operator=(const EventTriggerBatcher&) = delete;

  // Who starts the runs; null (the default): a closed batch is logged and
  // dropped. May be called at any time.
  void set_starter(WorkflowStarter* starter);

  // An event (an EventBridge envelope with "id") for `workflow`: added to the
  // batch of each ACTIVATED EVENT trigger of the workflow; a batch that
  // reaches its size starts a run before this returns. Returns how many
  // triggers took the event (0: none is ACTIVATED).
  StatusOr<int> deliver(const std::string& account, const std::string& workflow,
                        const nlohmann::json& event);

  // Closes every batch whose window has ended; returns the runs started.
  // The timers call it; tests may too.
  int close_due();
  // Re-reads the earliest pending window from the store and arms it.
  Status rearm();
  EventBatcherStats stats() const;

 private:
  struct Closed;
  EventTriggerBatcher(store::Store& store, EventBatcherOptions options);
  void start_runs(const std::vector<Closed>& closed);
  // Arms the timer for `when_micros` unless one is armed earlier.
  void arm(int64_t when_micros);
  void on_timer(uint64_t generation);
  void log(const std::string& level, const std::string& message) const;

  store::Store& store_;
  const EventBatcherOptions options_;
  const Clock& clock_;

  std::mutex mu_;
  WorkflowStarter* starter_ = nullptr;  // guarded by mu_
  TimerId timer_ = 0;                   // guarded by mu_; 0: none armed
  int64_t timer_at_ = 0;                // guarded by mu_
  uint64_t timer_generation_ = 0;       // guarded by mu_: which timer is timer_

  // Shared with the timer callbacks, which may start after the destructor.
  struct Life {
    std::mutex mu;
    std::condition_variable idle;
    bool alive = true;  // guarded by mu
    int running = 0;    // guarded by mu: timer callbacks in progress
  };
  const std::shared_ptr<Life> life_ = std::make_shared<Life>();

  std::atomic<int64_t> accepted_{0};
  std::atomic<int64_t> ignored_{0};
  std::atomic<int64_t> started_{0};
  std::atomic<int64_t> failed_{0};
};

}  // namespace mortar::schedule
