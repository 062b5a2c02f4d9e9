#include "events/webhook_publisher.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>

#include "io/aws/aws_http.h"

namespace mortar::events {

struct WebhookPublisher::Target {
  std::string url;
  std::deque<std::string> queue;  // event bodies, guarded by mu_
  bool busy = false;              // a delivery is in flight, guarded by mu_
  std::thread thread;
};

namespace {

// Full jitter: uniform in [0, min(cap, base * 2^attempt)].
int64_t backoff_millis(int attempt, int64_t base, int64_t cap) {
  const int64_t ceiling = std::min<int64_t>(cap, base << std::min(attempt, 20));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(ceiling, 0))(rng);
}

// OK, or why the attempt failed.
std::string post(const std::string& url, const std::string& body, int64_t timeout_millis) {
  io::aws::HttpExchange x;
  x.method = "POST";
  x.url = url;
  x.headers["Content-Type"] = "application/json";
  x.body = body;
  x.timeout_millis = static_cast<long>(timeout_millis);
  x.connect_timeout_millis = static_cast<long>(std::min<int64_t>(timeout_millis, 10'000));
  x.max_body_bytes = 64 * 1024;  // the receiver's answer is not read
  x.label = "POST " + url;
  auto reply = io::aws::http_exchange(x);
  if (!reply.ok()) return std::string(reply.status().message());
  if (reply->status < 200 || reply->status > 299) {
    return "the webhook answered HTTP " + std::to_string(reply->status);
  }
  return "";
}

}  // namespace

WebhookPublisher::WebhookPublisher(WebhookOptions options) : options_(std::move(options)) {
  for (const std::string& url : options_.urls) {
    auto t = std::make_unique<Target>();
    t->url = url;
    targets_.push_back(std::move(t));
  }
  for (auto& t : targets_) {
    Target* target = t.get();
    t->thread = std::thread([this, target] { deliver_loop(*target); });
  }
}

WebhookPublisher::~WebhookPublisher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& t : targets_) t->thread.join();
  for (auto& t : targets_) {
    for (const std::string& body : t->queue) {
      dead_letter(t->url, 0, "the server stopped before delivering it", body);
    }
  }
}

void WebhookPublisher::publish(const nlohmann::json& event) {
  if (targets_.empty()) return;
  const std::string body = event.dump();
  std::vector<std::pair<std::string, std::string>> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : targets_) {
      if (t->queue.size() >= options_.max_queued) {
        dropped.emplace_back(t->url, std::move(t->queue.front()));
        t->queue.pop_front();
      }
      t->queue.push_back(body);
    }
  }
  changed_.notify_all();
  for (auto& [url, old] : dropped) dead_letter(url, 0, "the delivery queue was full", old);
}

void WebhookPublisher::deliver_loop(Target& target) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !target.queue.empty(); });
    if (stopping_) return;
    std::string body = std::move(target.queue.front());
    target.queue.pop_front();
    target.busy = true;
    std::string error;
    int attempt = 0;
    while (attempt < options_.max_attempts) {
      ++attempt;
      lock.unlock();
      error = post(target.url, body, options_.timeout_millis);
      lock.lock();
      if (error.empty() || stopping_ || attempt >= options_.max_attempts) break;
      ++stats_.retried;
      const auto pause = std::chrono::milliseconds(
          backoff_millis(attempt, options_.base_backoff_millis, options_.max_backoff_millis));
      changed_.wait_for(lock, pause, [&] { return stopping_; });
      if (stopping_) break;
    }
    if (error.empty()) {
      ++stats_.delivered;
    } else {
      lock.unlock();
      dead_letter(target.url, attempt, error, body);
      lock.lock();
    }
    target.busy = false;
    changed_.notify_all();
  }
}

void WebhookPublisher::dead_letter(const std::string& url, int attempts, const std::string& error,
                                   const std::string& body) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.dead_lettered;
  }
  if (options_.dead_letter_path.empty()) return;
  nlohmann::json line = {{"url", url}, {"attempts", attempts}, {"error", error}};
  line["event"] = nlohmann::json::parse(body, nullptr, false);
  std::lock_guard<std::mutex> lock(dead_letter_mu_);
  std::ofstream out(options_.dead_letter_path, std::ios::app);
  out << line.dump() << '\n';
}

void WebhookPublisher::wait_idle() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] {
    return std::all_of(targets_.begin(), targets_.end(),
                       [](const auto& t) { return t->queue.empty() && !t->busy; });
  });
}

WebhookStats WebhookPublisher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace mortar::events
