#include "events/event_sources.h"

#include <algorithm>
#include <vector>

namespace mortar::events {

using Json = nlohmann::json;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Json s3_detail(const std::string& account, const std::string& bucket, const std::string& key,
               int64_t size) {
  return {{"version", "0"},
          {"bucket", {{"name", bucket}}},
          {"object", {{"key", key}, {"size", size}}},
          {"request-id", ""},
          {"requester", account},
          {"reason", "PutObject"}};
}

}  // namespace

std::string object_created_uri(const Json& event) {
  if (!event.is_object() || event.value("detail-type", Json()) != "Object Created") return "";
  const Json detail = event.value("detail", Json::object());
  if (!detail.is_object()) return "";
  const Json source = event.value("source", Json());
  if (source == "aws.s3") {
    const Json bucket = detail.value("bucket", Json::object());
    const Json object = detail.value("object", Json::object());
    if (!bucket.is_object() || !object.is_object()) return "";
    const Json name = bucket.value("name", Json()), key = object.value("key", Json());
    if (!name.is_string() || !key.is_string() || name.get<std::string>().empty()) return "";
    return "s3://" + name.get<std::string>() + "/" + key.get<std::string>();
  }
  if (source == "mortar.files") {
    const Json path = detail.value("path", Json());
    return path.is_string() ? path.get<std::string>() : "";
  }
  return "";
}

EventSources::EventSources(EventRules& rules, EventSourcesOptions options)
    : rules_(rules),
      options_(std::move(options)),
      watcher_(options_.use_inotify,
               static_cast<int>(std::max<int64_t>(100, options_.poll_interval_millis))) {}

EventSources::~EventSources() { stop(); }

void EventSources::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    const int wait =
        static_cast<int>(std::clamp<int64_t>(options_.poll_interval_millis, 100, 1000));
    while (!stop_) run_once(wait);
  });
}

void EventSources::stop() {
  stop_ = true;
  watcher_.wake();
  if (thread_.joinable()) thread_.join();
}

void EventSources::request_sync() {
  sync_requested_ = true;
  watcher_.wake();
}

void EventSources::log(const std::string& level, const std::string& message) const {
  if (options_.event_log) options_.event_log(level, message);
}

void EventSources::clear() {
  for (const auto& [dir, accounts] : dir_accounts_) watcher_.unwatch(dir);
  dir_accounts_.clear();
  pollers_.clear();
  roots_.clear();
  directories_ = 0;
  prefixes_ = 0;
}

void EventSources::sync() {
  auto rules = rules_.enabled_rules();
  if (!rules.ok()) {
    log("warn", "reading event rules for the event sources failed: " + rules.status().ToString());
    return;
  }
  std::map<std::string, std::set<std::string>> dirs;
  std::set<S3Key> prefixes;
  for (const auto& [row, pattern] : *rules) {
    const std::vector<std::string> sources = pattern.exact_strings({"source"});
    if (contains(sources, "mortar.files")) {
      for (const std::string& d : pattern.exact_strings({"detail", "directory"})) {
        if (d.starts_with("/")) dirs[d].insert(row.account);
      }
    }
    if (contains(sources, "aws.s3") && options_.s3 != nullptr) {
      std::vector<std::string> keys = pattern.prefixes({"detail", "object", "key"});
      if (keys.empty()) keys.push_back("");
      for (const std::string& b : pattern.exact_strings({"detail", "bucket", "name"})) {
        for (const std::string& k : keys) prefixes.insert({row.account, b, k});
      }
    }
  }
  for (auto it = dir_accounts_.begin(); it != dir_accounts_.end();) {
    if (dirs.count(it->first)) {
      ++it;
      continue;
    }
    watcher_.unwatch(it->first);
    log("info", "stopped watching directory " + it->first);
    it = dir_accounts_.erase(it);
  }
  for (auto& [dir, accounts] : dirs) {
    if (!dir_accounts_.count(dir)) {
      watcher_.watch(dir);
      log("info", "watching directory " + dir +
                      (watcher_.uses_inotify(dir) ? " with inotify" : " by polling"));
    }
    dir_accounts_[dir] = std::move(accounts);
  }
  for (auto it = pollers_.begin(); it != pollers_.end();) {
    it = prefixes.count(it->first) ? std::next(it) : pollers_.erase(it);
  }
  for (const S3Key& k : prefixes) {
    if (pollers_.count(k)) continue;
    const auto& [account, bucket, prefix] = k;
    auto poller = std::make_unique<ObjectPoller>(*options_.s3, bucket, prefix);
    // The first listing records what exists (it never fires); a failed one
    // is retried by the next poll, which then records instead of reporting.
    auto first = poller->poll();
    if (!first.ok()) {
      log("warn",
          "listing s3://" + bucket + "/" + prefix + " failed: " + first.status().ToString());
    }
    pollers_[k] = std::move(poller);
    log("info", "watching s3://" + bucket + "/" + prefix + " by listing");
  }
  sync_roots();
  int64_t local_roots = 0;
  for (const auto& [k, poller] : roots_) local_roots += k.second.starts_with("s3://") ? 0 : 1;
  directories_ = static_cast<int64_t>(dir_accounts_.size()) + local_roots;
  prefixes_ = static_cast<int64_t>(pollers_.size() + roots_.size()) - local_roots;
}

void EventSources::sync_roots() {
  std::set<RootKey> wanted;
  if (options_.extra_watches) {
    for (auto& [account, root] : options_.extra_watches()) {
      if (root.starts_with("/") || (root.starts_with("s3://") && options_.s3 != nullptr))
        wanted.insert({account, root});
    }
  }
  for (auto it = roots_.begin(); it != roots_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    log("info", "stopped watching " + it->first.second);
    it = roots_.erase(it);
  }
  for (const RootKey& k : wanted) {
    if (roots_.count(k)) continue;
    io::FileSystem& fs = k.second.starts_with("s3://") ? *options_.s3 : io::local_file_system();
    auto poller = ObjectPoller::for_root(fs, k.second);
    // As for the rules' prefixes: the first listing records what exists.
    auto first = poller->poll();
    if (!first.ok()) log("warn", "listing " + k.second + " failed: " + first.status().ToString());
    roots_[k] = std::move(poller);
    log("info", "watching " + k.second + " (with everything below it) by listing");
  }
}

void EventSources::poll_roots() {
  for (auto& [k, poller] : roots_) {
    const auto& [account, root] = k;
    auto objects = poller->poll();
    if (!objects.ok()) {
      log("warn", "listing " + root + " failed: " + objects.status().ToString());
      continue;
    }
    for (const ObjectEvent& o : *objects) {
      const std::string& path = o.key;
      Json event;
      if (path.starts_with("s3://")) {
        const size_t slash = path.find('/', 5);
        if (slash == std::string::npos) continue;
        const std::string bucket = path.substr(5, slash - 5);
        event = rules_.make_event(account, "aws.s3", "Object Created",
                                  s3_detail(account, bucket, path.substr(slash + 1), o.size),
                                  Json::array({"arn:aws:s3:::" + bucket}));
        ++objects_;
      } else {
        const size_t slash = path.rfind('/');
        const std::string name = path.substr(slash + 1);
        Json detail = {{"version", "0"}, {"directory", path.substr(0, slash)},
                       {"name", name},   {"key", name},
                       {"path", path},   {"size", o.size}};
        event = rules_.make_event(account, "mortar.files", "Object Created", std::move(detail),
                                  Json::array({"file://" + path}));
        ++files_;
      }
      auto routed = rules_.route(account, event);
      if (!routed.ok()) log("warn", "routing an event failed: " + routed.status().ToString());
    }
  }
}

void EventSources::poll_s3() {
  // Overlapping prefixes of one account report an object once.
  std::set<std::tuple<std::string, std::string, std::string>> emitted;
  for (auto& [k, poller] : pollers_) {
    const std::string& account = std::get<0>(k);
    auto objects = poller->poll();
    if (!objects.ok()) {
      log("warn", "listing s3://" + std::get<1>(k) + "/" + std::get<2>(k) +
                      " failed: " + objects.status().ToString());
      continue;
    }
    for (const ObjectEvent& o : *objects) {
      if (!emitted.insert({account, o.bucket, o.key}).second) continue;
      Json event = rules_.make_event(account, "aws.s3", "Object Created",
                                     s3_detail(account, o.bucket, o.key, o.size),
                                     Json::array({"arn:aws:s3:::" + o.bucket}));
      ++objects_;
      auto routed = rules_.route(account, event);
      if (!routed.ok()) log("warn", "routing an S3 event failed: " + routed.status().ToString());
    }
  }
}

void EventSources::run_once(int wait_millis, bool force_sync) {
  const bool leading = !options_.is_leader || options_.is_leader();
  const auto now = std::chrono::steady_clock::now();
  if (!leading) {
    if (watching_) {
      clear();
      watching_ = false;
      log("info", "event sources stopped: this server no longer leads");
    }
    watcher_.wait(wait_millis);  // an idle wait; wake() ends it
    return;
  }
  const bool due = sync_requested_.exchange(false) || force_sync || !watching_ || now >= next_sync_;
  if (due) {
    sync();
    watching_ = true;
    next_sync_ = now + std::chrono::milliseconds(options_.poll_interval_millis);
  }
  for (const FileEvent& f : watcher_.wait(wait_millis)) {
    auto accounts = dir_accounts_.find(f.directory);
    if (accounts == dir_accounts_.end()) continue;
    const std::string path =
        f.directory.ends_with("/") ? f.directory + f.name : f.directory + "/" + f.name;
    for (const std::string& account : accounts->second) {
      Json detail = {{"version", "0"}, {"directory", f.directory},
                     {"name", f.name}, {"key", f.name},
                     {"path", path},   {"size", f.size}};
      Json event = rules_.make_event(account, "mortar.files", "Object Created", std::move(detail),
                                     Json::array({"file://" + path}));
      ++files_;
      auto routed = rules_.route(account, event);
      if (!routed.ok()) log("warn", "routing a file event failed: " + routed.status().ToString());
    }
  }
  if (due && !pollers_.empty()) poll_s3();
  if (due && !roots_.empty()) poll_roots();
}

EventSourcesStats EventSources::stats() const {
  return EventSourcesStats{files_.load(), objects_.load(), directories_.load(), prefixes_.load()};
}

}  // namespace mortar::events
