// libFuzzer target: parsing never crashes, and whatever parses prints to a
// string that parses back to an equal type.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "types/data_type.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = mortar::types::DataType::parse(text);
  if (!t.ok()) return 0;
  std::string printed = (*t)->to_string();
  auto again = mortar::types::DataType::parse(printed);
  if (!again.ok() || !(*again)->equals(**t) || (*again)->to_string() != printed) std::abort();
  return 0;
}
