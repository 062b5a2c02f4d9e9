// Hive partition folder names (`key=value`): values are %XX-escaped.
#pragma once

#include <string>

namespace mortar::formats {

// Decodes %XX escapes; malformed escapes are kept as they are.
std::string hive_unescape(const std::string& value);

}  // namespace mortar::formats
