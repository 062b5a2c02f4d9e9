#include "formats/hive_path.h"

#include "common/percent_encoding.h"

namespace mortar::formats {

std::string hive_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  static constexpr std::string_view kSpecial = "/=%\"'\\:#*?[]{^";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || kSpecial.find(c) != std::string_view::npos) {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

std::string hive_unescape(const std::string& v) { return percent_decode(v); }

}  // namespace mortar::formats
