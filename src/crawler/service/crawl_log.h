// One crawl's log file (<data dir>/logs/crawlers/<name>/<crawl id>.log): one
// line per event, "2026-01-02T03:04:05Z INFO message". Lines are flushed as
// written so `mortar logs crawler` shows a running crawl's progress and a
// killed server loses nothing already logged. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "common/utc_time.h"

namespace mortar::crawler {

class CrawlLog {
 public:
  // An empty path makes a log that discards its lines.
  static StatusOr<std::unique_ptr<CrawlLog>> open(const std::string& path, const Clock& clock);
  ~CrawlLog();

  void write(const std::string& level, const std::string& message);
  const std::string& path() const { return path_; }

  // The conventional path of a crawl's log under a data dir.
  static std::string path_for(const std::string& data_dir, const std::string& crawler,
                              const std::string& crawl_id);

 private:
  CrawlLog(std::string path, std::FILE* file, const Clock& clock)
      : path_(std::move(path)), file_(file), clock_(clock) {}

  std::string path_;
  std::mutex mu_;
  std::FILE* file_;  // null: discard
  const Clock& clock_;
};

// Appends one line to an existing log file (restart recovery); best effort.
void append_log_line(const std::string& path, const Clock& clock, const std::string& level,
                     const std::string& message);

}  // namespace mortar::crawler
