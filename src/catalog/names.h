// Name helpers shared by the catalog: Glue lower-cases database and table
// names (ASCII only), and matches GetTables/GetUserDefinedFunctions patterns.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace mortar::catalog {

inline std::string lower_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace mortar::catalog
