// Delivers events (glue_events.h) to the configured webhook URLs: each event
// is POSTed as JSON to every URL, in order per URL, by one background thread
// per URL. A delivery that fails (transport error or a non-2xx status) is
// retried with exponential backoff and full jitter; after max_attempts it is
// appended to the dead-letter file as one JSON line
// {"url":…,"attempts":…,"error":…,"event":{…}} and the next event goes.
//
// Events live in memory until delivered: a server that stops drops what is
// still queued (counted, and written to the dead-letter file on a clean
// stop). Delivery is at-least-once per URL while the server runs; a receiver
// dedupes by the event's "id". The queue per URL is bounded (the oldest event
// is dead-lettered when it is full), so a dead receiver costs bounded memory.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace mortar::events {

struct WebhookOptions {
  std::vector<std::string> urls;  // none: publish() drops events
  int max_attempts = 8;
  int64_t base_backoff_millis = 500;
  int64_t max_backoff_millis = 60'000;
  int64_t timeout_millis = 10'000;  // per attempt
  size_t max_queued = 10'000;       // per URL
  std::string dead_letter_path;     // "" : failed events are only counted
};

struct WebhookStats {
  int64_t delivered = 0;
  int64_t retried = 0;        // attempts after the first
  int64_t dead_lettered = 0;  // gave up (or dropped from a full queue / at stop)
};

class WebhookPublisher {
 public:
  explicit WebhookPublisher(WebhookOptions options);
  // Stops the threads (an attempt in flight finishes); undelivered events go
  // to the dead-letter file.
  ~WebhookPublisher();
  WebhookPublisher(const WebhookPublisher&) = delete;
  WebhookPublisher& operator=(const WebhookPublisher&) = delete;

  // Queues `event` for every URL; returns at once.
  void publish(const nlohmann::json& event);

  // Blocks until every queue is empty and no delivery is in flight (tests).
  void wait_idle();

  WebhookStats stats() const;

 private:
  struct Target;
  void deliver_loop(Target& target);
  void dead_letter(const std::string& url, int attempts, const std::string& error,
                   const std::string& body);

  const WebhookOptions options_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool stopping_ = false;  // guarded by mu_
  WebhookStats stats_;     // guarded by mu_
  std::mutex dead_letter_mu_;
  std::vector<std::unique_ptr<Target>> targets_;
};

}  // namespace mortar::events
