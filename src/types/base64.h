// Standard base64 (RFC 4648, with padding): binary values in JSON output.
#pragma once

#include <string>
#include <string_view>

namespace mortar::types {

void append_base64(std::string& out, std::string_view bytes);
std::string base64_encode(std::string_view bytes);
// False on characters outside the alphabet or bad padding; whitespace is not accepted.
bool base64_decode(std::string_view text, std::string* out);

}  // namespace mortar::types
