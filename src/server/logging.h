// Structured logs on stderr through spdlog: one line per event, either text
// (`2026-01-02T03:04:05.678Z info request id=... op=GetTable status=200`) or
// one JSON object per line ({"time":..., "level":..., "msg":..., fields...}).
// Thread-safe once init_logging() has run.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace mortar::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// format: "text" | "json"; level: trace|debug|info|warn|error|off.
void init_logging(const std::string& format, const std::string& level);

struct LogField {
  std::string_view key;
  std::string_view value;
  bool number = false;  // emitted unquoted in JSON
};

// One event line: a short message plus key/value fields.
void log_event(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

struct AccessLogEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view path;
  std::string_view remote;
  std::string_view operation;   // "" when none
  std::string_view principal;   // "" when unauthenticated
  std::string_view error_type;  // "" on success
  int status = 0;
  double latency_ms = 0;
};

// The access log: one line per request, at info level.
void log_request(const AccessLogEntry& entry);

// Formats one line without logging it (for tests): json or text body.
std::string format_event(bool json, std::string_view message, std::initializer_list<LogField> fields);

}  // namespace mortar::server
