// Typed access to a format's string options (Glue `format_options`), with
// errors that name the option. Option names match case-insensitively, as Glue
// treats them ("withHeader" == "withheader").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "formats/format.h"

namespace mortar::formats {

std::optional<std::string> find_option(const Options& options, std::string_view name);
StatusOr<bool> bool_option(const Options& options, std::string_view name, bool fallback);
StatusOr<int64_t> int_option(const Options& options, std::string_view name, int64_t fallback);
// A single character; "\t", "\\t", "tab" and the like are understood. An
// empty value or "-1" (Glue's "disabled") yields '\0'.
StatusOr<char> char_option(const Options& options, std::string_view name, char fallback);

// maxRecordSize, one option for every text reader (csv, json, grok, xml):
// the longest record in bytes. A reader never buffers more of one record
// than this, so a small compressed file that expands to one huge record
// costs no more memory than the option.
inline constexpr int64_t kDefaultMaxRecordSize = int64_t{64} << 20;
inline constexpr int64_t kMaxMaxRecordSize = int64_t{1} << 30;
// The option's value (default 64 MiB); InvalidArgument outside 1 byte .. 1 GiB.
StatusOr<int64_t> max_record_size_option(const Options& options);
// The located refusal of a record longer than the limit:
// "...: <what> longer than maxRecordSize (N bytes); <advice>". `what` names
// the record ("record", "JSON document of 120 bytes is" ...).
Status record_too_long(const std::string& path, int64_t line, int64_t byte_offset,
                       std::string_view what, int64_t limit,
                       std::string_view advice = "raise maxRecordSize to read it");

// "file.csv: line 3 (byte offset 42): message".
Status located_error(const std::string& path, int64_t line, int64_t byte_offset,
                     std::string_view message);
Status located_error(const std::string& path, int64_t byte_offset, std::string_view message);

}  // namespace mortar::formats
