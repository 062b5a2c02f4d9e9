// EventSources: the events Mortar watches for itself, derived from the
// enabled rules' patterns (EventRules::enabled_rules), and routed like
// PutEvents' (EventRules::route) to the rules of the account whose rule asked:
//
//   "mortar.files"  a pattern with source ["mortar.files"] and
//                   detail.directory [absolute paths]: files completed in
//                   those directories (DirectoryWatcher: inotify, else
//                   polling) emit detail-type "Object Created" with detail
//                   {version, directory, name, key (= name), path, size}.
//   "aws.s3"        a pattern with source ["aws.s3"] and
//                   detail.bucket.name [buckets] (and optionally
//                   detail.object.key [{"prefix": ...}]): objects created
//                   under the bucket (and prefixes), found by listing every
//                   poll interval (ObjectPoller), emit "Object Created" in
//                   S3's EventBridge shape {version, bucket {name}, object
//                   {key, size}, reason "PutObject", ...}.
//
// Besides the rules, `extra_watches` names roots to watch for other readers
// (the crawlers in CRAWL_EVENT_MODE: their targets): every file below a
// root (a local directory tree, recursively, or an s3:// prefix) is found by
// listing every poll interval, and emits the same "Object Created" events
// ("mortar.files" for local files, "aws.s3" for objects), routed like the
// rest -- EventRulesOptions::observe is where their reader picks them up.
//
// Watches start when a rule asking for them is enabled and stop when none
// does (re-read every poll interval); what existed when a watch started
// never fires. Sources run only on the scheduler's leader (`is_leader`), so
// with several servers on one store each file or object is reported once --
// a watched directory must therefore be visible to the leader.
//
// Thread-safe: start()/stop() from the owner; run_once() from one thread
// (the loop, or a test that never calls start()).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "events/directory_watcher.h"
#include "events/event_rules.h"
#include "events/object_poller.h"
#include "io/file_system.h"

namespace mortar::events {

// The object an "Object Created" event names -- "s3://bucket/key" for
// "aws.s3", detail.path for "mortar.files" -- or "" for any other event.
std::string object_created_uri(const nlohmann::json& event);

struct EventSourcesOptions {
  // How often rules are re-read, S3 prefixes listed and directories without
  // inotify scanned.
  int64_t poll_interval_millis = 10000;
  std::function<bool()> is_leader;  // unset: always
  io::FileSystem* s3 = nullptr;     // lists s3:// URIs; null: S3 rules are not watched
  bool use_inotify = true;
  // Roots watched besides the rules': (account, local path or s3:// URI),
  // re-read with the rules; may be unset.
  std::function<std::vector<std::pair<std::string, std::string>>()> extra_watches;
  // Watches started/stopped and listing errors; may be unset.
  std::function<void(const std::string& level, const std::string& message)> event_log;
};

struct EventSourcesStats {
  int64_t files = 0;    // "mortar.files" events emitted
  int64_t objects = 0;  // "aws.s3" events emitted
  int64_t directories_watched = 0;
  int64_t prefixes_watched = 0;  // listed once already (what existed is recorded)
};

class EventSources {
 public:
  // `rules` must outlive the sources.
  EventSources(EventRules& rules, EventSourcesOptions options);
  ~EventSources();  // stop()
  EventSources(const EventSources&) = delete;
  EventSources& operator=(const EventSources&) = delete;

  void start();  // the background loop
  void stop();   // returns once the loop has ended

  // One round: re-reads the rules if due (or `force_sync`), waits up to
  // `wait_millis` for files, lists S3 if due, routes what appeared.
  void run_once(int wait_millis, bool force_sync = false);
  // The rules changed: the loop re-reads them now rather than at the next
  // poll. Any thread.
  void request_sync();
  EventSourcesStats stats() const;

 private:
  using S3Key = std::tuple<std::string, std::string, std::string>;  // account, bucket, prefix
  using RootKey = std::pair<std::string, std::string>;              // account, root URI
  void sync();
  void sync_roots();
  void clear();
  void poll_s3();
  void poll_roots();
  void log(const std::string& level, const std::string& message) const;

  EventRules& rules_;
  const EventSourcesOptions options_;
  DirectoryWatcher watcher_;
  std::map<std::string, std::set<std::string>> dir_accounts_;  // directory -> accounts
  std::map<S3Key, std::unique_ptr<ObjectPoller>> pollers_;
  std::map<RootKey, std::unique_ptr<ObjectPoller>> roots_;  // extra_watches
  std::chrono::steady_clock::time_point next_sync_{};
  bool watching_ = false;  // leading, with watches set up

  std::atomic<int64_t> files_{0};
  std::atomic<int64_t> objects_{0};
  std::atomic<int64_t> directories_{0};
  std::atomic<int64_t> prefixes_{0};

  std::atomic<bool> sync_requested_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mortar::events
