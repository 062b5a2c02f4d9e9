#include "server/logging.h"

#include <atomic>
#include <memory>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace mortar::server {
namespace {

std::atomic<bool> g_json{false};

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// Text values are quoted only when they would otherwise be ambiguous.
void append_text_value(std::string& out, std::string_view v) {
  if (v.empty()) {
    out.push_back('-');
  } else if (v.find_first_of(" \"=\n\t") == std::string_view::npos) {
    out.append(v);
  } else {
    append_json_string(out, v);
  }
}

spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

std::string format_event(bool json, std::string_view message,
                         std::initializer_list<LogField> fields) {
  std::string out;
  out.reserve(256);
  if (json) {
    out += "\"msg\":";
    append_json_string(out, message);
    for (const LogField& f : fields) {
      out.push_back(',');
      append_json_string(out, f.key);
      out.push_back(':');
      if (f.number && !f.value.empty()) {
        out.append(f.value);
      } else {
        append_json_string(out, f.value);
      }
    }
  } else {
    out.append(message);
    for (const LogField& f : fields) {
      out.push_back(' ');
      out.append(f.key);
      out.push_back('=');
      append_text_value(out, f.value);
    }
  }
  return out;
}

void init_logging(const std::string& format, const std::string& level) {
  auto logger = std::make_shared<spdlog::logger>(
      "mortar", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  const bool json = format == "json";
  g_json = json;
  // Messages carry the fields; the pattern adds time and level around them.
  logger->set_pattern(json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})"
                           : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

void log_event(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  auto lvl = to_spdlog(level);
  if (!spdlog::default_logger_raw()->should_log(lvl)) return;
  spdlog::default_logger_raw()->log(lvl, "{}", format_event(g_json, message, fields));
}

void log_request(const AccessLogEntry& e) {
  if (!spdlog::default_logger_raw()->should_log(spdlog::level::info)) return;
  std::string status = std::to_string(e.status);
  std::string latency = fmt::format("{:.3f}", e.latency_ms);
  spdlog::default_logger_raw()->log(
      spdlog::level::info, "{}",
      format_event(g_json, "request",
                   {{"request_id", e.request_id},
                    {"method", e.method},
                    {"path", e.path},
                    {"remote", e.remote},
                    {"operation", e.operation},
                    {"principal", e.principal},
                    {"status", status, true},
                    {"latency_ms", latency, true},
                    {"error", e.error_type}}));
}

}  // namespace mortar::server
