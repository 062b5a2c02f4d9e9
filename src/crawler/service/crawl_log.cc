#include "crawler/service/crawl_log.h"

#include <time.h>

#include <filesystem>
#include <memory>

namespace mortar::crawler {
namespace {

std::string format_line(const Clock& clock, const std::string& level, const std::string& message) {
  std::string line = utc_timestamp(clock.now_seconds()) + " " + level + " ";
  // One event per line: fold embedded newlines.
  for (char c : message) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  line.push_back('\n');
  return line;
}

// Crawler names may hold characters that are unsafe in a path component.
std::string safe_component(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    out.push_back(ok ? c : '_');
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

}  // namespace

std::string CrawlLog::path_for(const std::string& data_dir, const std::string& crawler,
                               const std::string& crawl_id) {
  return data_dir + "/logs/crawlers/" + safe_component(crawler) + "/" + safe_component(crawl_id) +
         ".log";
}

StatusOr<std::unique_ptr<CrawlLog>> CrawlLog::open(const std::string& path, const Clock& clock) {
  if (path.empty()) return std::unique_ptr<CrawlLog>(new CrawlLog("", nullptr, clock));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec)
    return internal_error("cannot create the crawl log directory for " + path + ": " +
                          ec.message());
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr) return internal_error("cannot open crawl log " + path);
  return std::unique_ptr<CrawlLog>(new CrawlLog(path, f, clock));
}

CrawlLog::~CrawlLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void CrawlLog::write(const std::string& level, const std::string& message) {
  if (file_ == nullptr) return;
  std::string line = format_line(clock_, level, message);
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

void append_log_line(const std::string& path, const Clock& clock, const std::string& level,
                     const std::string& message) {
  if (path.empty()) return;
  std::FILE* f = std::fopen(path.c_str(), "ae");
  if (f == nullptr) return;
  std::string line = format_line(clock, level, message);
  std::fwrite(line.data(), 1, line.size(), f);
  std::fclose(f);
}

}  // namespace mortar::crawler
