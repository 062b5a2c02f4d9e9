#include "crawler/service/crawl_log.h"

#include <vector>

namespace mortar::crawler {

void CrawlLog::write(const std::string& level, const std::string& message) const {
  if (sink_ == nullptr) return;
  std::string line = line_prefix(crawl_id_) + level + " : ";
  // One event per line: fold embedded newlines.
  for (char c : message) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  std::vector<logs::LogEvent> events{{clock_.now_micros() / 1000, std::move(line)}};
  sink_->append(account_, kCrawlerLogGroup, crawler_, std::move(events));
}

}  // namespace mortar::crawler
