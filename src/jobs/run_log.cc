#include "jobs/run_log.h"

#include <vector>

namespace mortar::jobs {
namespace {

// CloudWatch Logs' event limit is 256 KiB: a longer "line" is cut there.
constexpr size_t kMaxLine = 256 * 1024 - 26;

int index_of(OutputStream s) { return s == OutputStream::kStdout ? 0 : 1; }

std::string without_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return std::string(line);
}

}  // namespace

RunLog::RunLog(logs::LogSink* sink, RunLogTarget target, const Clock& clock)
    : sink_(sink),
      target_(std::move(target)),
      clock_(clock),
      output_group_(target_.group_prefix + "/output"),
      error_group_(target_.group_prefix + "/error") {
  // Both streams exist from the start, as Glue's do: `aws logs tail` on the
  // output group works before (or without) the script's first print.
  if (sink_ == nullptr) return;
  sink_->append(target_.account_id, output_group_, target_.stream, {});
  sink_->append(target_.account_id, error_group_, target_.stream, {});
}

void RunLog::output(OutputStream stream, std::string_view chunk) {
  if (sink_ == nullptr) return;
  const int64_t now = clock_.now_micros() / 1000;
  std::vector<logs::LogEvent> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::string& pending = pending_[index_of(stream)];
    while (!chunk.empty()) {
      size_t nl = chunk.find('\n');
      if (nl == std::string_view::npos) {
        pending.append(chunk);
        while (pending.size() >= kMaxLine) {
          events.push_back({now, pending.substr(0, kMaxLine)});
          pending.erase(0, kMaxLine);
        }
        break;
      }
      pending.append(chunk.substr(0, nl));
      events.push_back({now, without_cr(pending)});
      pending.clear();
      chunk.remove_prefix(nl + 1);
    }
  }
  if (!events.empty()) append(stream, std::move(events));
}

void RunLog::event(const std::string& message) {
  if (sink_ == nullptr) return;
  append(OutputStream::kStderr, {{clock_.now_micros() / 1000, "mortar: " + message}});
}

void RunLog::finish() {
  if (sink_ == nullptr) return;
  const int64_t now = clock_.now_micros() / 1000;
  for (OutputStream s : {OutputStream::kStdout, OutputStream::kStderr}) {
    std::string rest;
    {
      std::lock_guard<std::mutex> lock(mu_);
      rest.swap(pending_[index_of(s)]);
    }
    if (!rest.empty()) append(s, {{now, without_cr(rest)}});
  }
  sink_->flush();
}

void RunLog::append(OutputStream stream, std::vector<logs::LogEvent> events) {
  sink_->append(target_.account_id, stream == OutputStream::kStdout ? output_group_ : error_group_,
                target_.stream, std::move(events));
}

}  // namespace mortar::jobs
