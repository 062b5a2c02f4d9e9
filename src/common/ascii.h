// ASCII case folding for names, option values and codes: A-Z only, bytes
// >= 0x80 unchanged, no locale. absl::AsciiStrToLower does the work; this
// takes std::string_view, which Debian's absl::string_view does not.
#pragma once

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"

namespace mortar {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  absl::AsciiStrToLower(&out);
  return out;
}

}  // namespace mortar
