// Percent-decoding (%XX -> byte), shared by SigV4 query parsing, JDBC URLs
// and Hive partition folder names, which all escape this way. A '%' not
// followed by two hex digits is kept as it is (lenient, as Hive and the
// SDKs are).
#pragma once

#include <string>
#include <string_view>

namespace mortar {

std::string percent_decode(std::string_view s);

}  // namespace mortar
