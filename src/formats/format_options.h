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

// "file.csv: line 3 (byte offset 42): message".
Status located_error(const std::string& path, int64_t line, int64_t byte_offset,
                     std::string_view message);
Status located_error(const std::string& path, int64_t byte_offset, std::string_view message);

}  // namespace mortar::formats
