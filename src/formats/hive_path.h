// Hive partition folder names (`key=value`): values are %XX-escaped.
#pragma once

#include <string>
#include <string_view>

namespace mortar::formats {

// Hive's escaping of a partition value in a folder name: control characters
// and / = % " ' \ : # * ? [ ] { ^ DEL become %XX (upper-case hex), as Hive's
// FileUtils.escapePathName does, so Hive, Spark and Trino read the value back.
std::string hive_escape(std::string_view value);

// Decodes %XX escapes; malformed escapes are kept as they are.
std::string hive_unescape(const std::string& value);

}  // namespace mortar::formats
