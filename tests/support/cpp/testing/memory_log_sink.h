// Test-only (mortar_testing, header-only): a logs::LogSink that keeps events
// in memory, for tests of what crawls and runs log. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "logs/log_sink.h"

namespace mortar::test_support {

class MemoryLogSink : public logs::LogSink {
 public:
  void append(const std::string& account_id, const std::string& group, const std::string& stream,
              std::vector<logs::LogEvent> events) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto& into = streams_[{account_id, group, stream}];
    for (auto& e : events) into.push_back(std::move(e));
  }
  void flush() override {}

  std::vector<logs::LogEvent> events(const std::string& account_id, const std::string& group,
                                     const std::string& stream) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find({account_id, group, stream});
    return it == streams_.end() ? std::vector<logs::LogEvent>{} : it->second;
  }
  // The stream's messages, one per line.
  std::string text(const std::string& account_id, const std::string& group,
                   const std::string& stream) const {
    std::string out;
    for (const auto& e : events(account_id, group, stream)) out += e.message + "\n";
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<logs::LogEvent>> streams_;
};

}  // namespace mortar::test_support
