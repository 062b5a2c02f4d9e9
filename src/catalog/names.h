// Name helpers shared by the catalog: Glue lower-cases database and table
// names (ASCII only), and matches GetTables/GetUserDefinedFunctions patterns.
#pragma once

#include <string>
#include <string_view>

#include "common/ascii.h"
#include "common/status.h"

namespace mortar::catalog {

inline std::string lower_name(std::string_view name) { return ascii_lower(name); }

}  // namespace mortar::catalog

#include <memory>

namespace re2 {
class RE2;
}

namespace mortar::catalog {

// A compiled Glue name pattern (GetTables Expression,
// GetUserDefinedFunctions Pattern), matched case-insensitively in full.
class NamePattern {
 public:
  static StatusOr<std::unique_ptr<NamePattern>> compile(std::string_view pattern);
  ~NamePattern();
  bool matches(std::string_view name) const;

 private:
  explicit NamePattern(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace mortar::catalog
