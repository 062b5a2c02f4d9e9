// Which well-known log format (a built-in grok pattern name such as
// COMBINEDAPACHELOG or SYSLOGLINE) the first lines of a file follow: what a
// crawler needs to classify a log without a custom classifier, in the spirit
// of Glue's built-in log classifiers. Thread-safe (patterns compile once).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mortar::formats::grok {

// The candidates, most specific first.
std::span<const std::string_view> known_log_formats();

// The first known format that matches a whole line for at least 80% of the
// first (up to 20) non-blank lines of `head`; nullopt when none does. A
// trailing partial line (no '\n') is ignored unless it is the only one.
std::optional<std::string> detect_log_format(std::string_view head);

}  // namespace mortar::formats::grok
