// One crawl's log, written through a logs::LogSink into CloudWatch Logs'
// group /aws-glue/crawlers with the crawler's name as the stream, as Glue
// writes it. Each event is "[<crawl id>] LEVEL : message" (Glue's layout),
// so one crawl's lines are found by their prefix. Events reach readers
// within the sink's flush interval; a crawl's end flushes. Thread-safe.
#pragma once

#include <string>

#include "common/clock.h"
#include "logs/log_sink.h"

namespace mortar::crawler {

inline constexpr const char* kCrawlerLogGroup = "/aws-glue/crawlers";

class CrawlLog {
 public:
  // A null `sink` discards the lines.
  CrawlLog(logs::LogSink* sink, std::string account, std::string crawler, std::string crawl_id,
           const Clock& clock)
      : sink_(sink),
        account_(std::move(account)),
        crawler_(std::move(crawler)),
        crawl_id_(std::move(crawl_id)),
        clock_(clock) {}

  void write(const std::string& level, const std::string& message) const;
  // Makes the lines written so far visible (the end of a crawl).
  void flush() const {
    if (sink_) sink_->flush();
  }

  // The prefix of every line of crawl `crawl_id`.
  static std::string line_prefix(const std::string& crawl_id) { return "[" + crawl_id + "] "; }

 private:
  logs::LogSink* sink_;
  std::string account_, crawler_, crawl_id_;
  const Clock& clock_;
};

}  // namespace mortar::crawler
