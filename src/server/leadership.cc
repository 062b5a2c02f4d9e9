#include "server/leadership.h"

#include "server/logging.h"

namespace mortar::server {

Leadership::Leadership(store::Store& store, std::function<void()> lead,
                       std::function<void()> step_down, LeadershipOptions options)
    : store_(store),
      lead_(std::move(lead)),
      step_down_(std::move(step_down)),
      options_(std::move(options)) {}

Leadership::~Leadership() {
  {
    std::lock_guard lock(thread_mu_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(tick_mu_);
  if (lock_) {
    step_down_();
    lock_.reset();
    leading_ = false;
    log_event(LogLevel::kInfo, "released scheduler leadership", {{"lock", options_.lock_name}});
  }
}

void Leadership::start() {
  tick();
  thread_ = std::thread([this] { loop(); });
}

void Leadership::loop() {
  std::unique_lock lock(thread_mu_);
  while (!wakeup_.wait_for(lock, options_.interval, [this] { return stopping_; })) {
    lock.unlock();
    tick();
    lock.lock();
  }
}

void Leadership::tick() {
  std::lock_guard lock(tick_mu_);
  if (lock_) {
    if (lock_->still_held()) return;
    step_down_();
    lock_.reset();
    leading_ = false;
    log_event(LogLevel::kWarn, "lost scheduler leadership", {{"lock", options_.lock_name}});
    // Fall through: the lock may be free again (a dropped connection).
  }
  StatusOr<std::unique_ptr<store::SessionLock>> got = store_.try_lock(options_.lock_name);
  if (!got.ok()) {
    if (!store_failing_) {
      const std::string error(got.status().message());
      log_event(LogLevel::kWarn, "cannot try for scheduler leadership",
                {{"lock", options_.lock_name}, {"error", error}});
    }
    store_failing_ = true;
    return;
  }
  store_failing_ = false;
  if (*got == nullptr) return;  // another server leads
  lock_ = std::move(*got);
  leading_ = true;
  lead_();
  log_event(LogLevel::kInfo, "became scheduler leader", {{"lock", options_.lock_name}});
}

}  // namespace mortar::server
