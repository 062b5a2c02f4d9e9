#include "schedule/scheduler.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace mortar::schedule {

Scheduler::Scheduler(const Clock& clock, SchedulerOptions options)
    : clock_(clock), options_(options), pool_(options.max_parallel_callbacks) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::changed() {
  changed_ = true;
  wakeup_.notify_all();
}

Status Scheduler::add(const std::string& id, CronExpression cron, ScheduleCallback callback) {
  if (!callback) return invalid_input("schedule \"" + id + "\" has no callback");
  const int64_t now = clock_.now_seconds();
  std::unique_lock lock(mu_);
  if (entries_.count(id) > 0) return already_exists("schedule \"" + id + "\" already exists");
  Entry entry{std::move(cron), std::make_shared<const ScheduleCallback>(std::move(callback)),
              std::nullopt, next_generation_++, false};
  entry.next = entry.cron.next_after(now);
  entries_.emplace(id, std::move(entry));
  changed();
  return ok_status();
}

Status Scheduler::replace(const std::string& id, CronExpression cron, ScheduleCallback callback) {
  if (!callback) return invalid_input("schedule \"" + id + "\" has no callback");
  const int64_t now = clock_.now_seconds();
  std::unique_lock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return not_found("schedule \"" + id + "\" does not exist");
  // A fresh generation: queued fires of the old entry are dropped, and the
  // new one is not held back by the old one's running callback.
  Entry entry{std::move(cron), std::make_shared<const ScheduleCallback>(std::move(callback)),
              std::nullopt, next_generation_++, false};
  entry.next = entry.cron.next_after(now);
  it->second = std::move(entry);
  changed();
  return ok_status();
}

Status Scheduler::remove(const std::string& id) {
  std::unique_lock lock(mu_);
  if (entries_.erase(id) == 0) return not_found("schedule \"" + id + "\" does not exist");
  changed();
  return ok_status();
}

bool Scheduler::contains(const std::string& id) const {
  std::unique_lock lock(mu_);
  return entries_.count(id) > 0;
}

std::vector<std::string> Scheduler::ids() const {
  std::unique_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) out.push_back(id);
  return out;
}

std::optional<int64_t> Scheduler::next_fire(const std::string& id) const {
  std::unique_lock lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.next;
}

std::optional<int64_t> Scheduler::earliest_fire() const {
  std::unique_lock lock(mu_);
  std::optional<int64_t> earliest;
  for (const auto& [id, entry] : entries_) {
    if (entry.next && (!earliest || *entry.next < *earliest)) earliest = entry.next;
  }
  return earliest;
}

int Scheduler::run_due(int64_t now_seconds) {
  std::vector<Due> due;
  {
    std::unique_lock lock(mu_);
    for (auto& [id, entry] : entries_) {
      if (!entry.next || *entry.next > now_seconds) continue;
      const int64_t scheduled = *entry.next;
      // One fire however many times were missed; the next is after `now`.
      entry.next = entry.cron.next_after(std::max(now_seconds, scheduled));
      if (entry.running) {
        ++stats_.skipped_overlapping;
        continue;
      }
      entry.running = true;
      ++stats_.fired;
      due.push_back(
          Due{id, entry.generation, entry.callback, FireEvent{id, scheduled, now_seconds}});
    }
  }
  for (Due& d : due) {
    pool_.submit([this, d = std::move(d)] { run_callback(d); });
  }
  return static_cast<int>(due.size());
}

int Scheduler::catch_up(int64_t now_seconds, int64_t window_seconds,
                        const std::function<bool(const std::string& id)>& eligible) {
  int catching_up = 0;
  std::unique_lock lock(mu_);
  for (auto& [id, entry] : entries_) {
    if (!eligible(id)) continue;
    // At most window/60 steps: cron times are whole minutes.
    std::optional<int64_t> latest;
    for (auto t = entry.cron.next_after(now_seconds - std::max<int64_t>(0, window_seconds) - 1);
         t && *t <= now_seconds; t = entry.cron.next_after(*t)) {
      latest = t;
    }
    entry.next = latest ? latest : entry.cron.next_after(now_seconds);
    if (latest) ++catching_up;
  }
  changed();
  return catching_up;
}

void Scheduler::run_callback(const Due& due) {
  {
    std::unique_lock lock(mu_);
    auto it = entries_.find(due.id);
    if (it == entries_.end() || it->second.generation != due.generation)
      return;  // removed or replaced
  }
  if (options_.on_fire_lag) {
    options_.on_fire_lag(static_cast<double>(clock_.now_micros()) / 1e6 -
                         static_cast<double>(due.event.scheduled_time));
  }
  bool threw = false;
  try {
    (*due.callback)(due.event);
  } catch (...) {
    threw = true;
  }
  std::unique_lock lock(mu_);
  if (threw) ++stats_.callback_exceptions;
  auto it = entries_.find(due.id);
  if (it != entries_.end() && it->second.generation == due.generation) it->second.running = false;
}

void Scheduler::start() {
  std::lock_guard thread_lock(thread_mu_);
  if (thread_.joinable()) return;
  {
    std::unique_lock lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  std::lock_guard thread_lock(thread_mu_);
  if (!thread_.joinable()) return;
  {
    std::unique_lock lock(mu_);
    stopping_ = true;
    wakeup_.notify_all();
  }
  thread_.join();
}

void Scheduler::wake() {
  std::unique_lock lock(mu_);
  changed();
}

void Scheduler::wait_idle() { pool_.wait_idle(); }

SchedulerStats Scheduler::stats() const {
  std::unique_lock lock(mu_);
  return stats_;
}

void Scheduler::loop() {
  const int64_t max_sleep_micros = std::max<int64_t>(1, options_.max_sleep_millis) * 1000;
  while (true) {
    run_due(clock_.now_seconds());
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (changed_) {  // something moved while run_due() ran: look again
      changed_ = false;
      continue;
    }
    std::optional<int64_t> earliest;
    for (const auto& [id, entry] : entries_) {
      if (entry.next && (!earliest || *entry.next < *earliest)) earliest = entry.next;
    }
    int64_t sleep_micros = max_sleep_micros;
    if (earliest)
      sleep_micros =
          std::clamp<int64_t>(*earliest * 1'000'000 - clock_.now_micros(), 0, max_sleep_micros);
    if (sleep_micros > 0) wakeup_.wait_for(lock, std::chrono::microseconds(sleep_micros));
    if (stopping_) return;
    changed_ = false;
  }
}

}  // namespace mortar::schedule
