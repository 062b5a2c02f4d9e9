// Tiny std::string helpers for api/. Debian's abseil has its own
// absl::string_view (not std::string_view), so api/ avoids absl's string
// utilities and uses these instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/ascii.h"  // ascii_lower

namespace mortar::api {
namespace strings_internal {

inline void append_one(std::string& out, std::string_view s) { out.append(s); }
inline void append_one(std::string& out, const char* s) { out.append(s); }
inline void append_one(std::string& out, const std::string& s) { out.append(s); }
inline void append_one(std::string& out, char c) { out.push_back(c); }
template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, bool>)
void append_one(std::string& out, T v) {
  out += std::to_string(v);
}

}  // namespace strings_internal

template <typename... Args>
void str_append(std::string* out, const Args&... args) {
  (strings_internal::append_one(*out, args), ...);
}

template <typename... Args>
std::string str_cat(const Args&... args) {
  std::string out;
  str_append(&out, args...);
  return out;
}

template <typename Range>
std::string str_join(const Range& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out.append(sep);
    first = false;
    out.append(std::string_view(p));
  }
  return out;
}

// Splits on `sep`; keeps empty pieces unless skip_empty.
inline std::vector<std::string> str_split(std::string_view s, char sep, bool skip_empty = false) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    std::string_view piece = s.substr(start, end == std::string_view::npos ? end : end - start);
    if (!(skip_empty && piece.empty())) out.emplace_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

inline std::string_view strip_ascii_whitespace(std::string_view s) {
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string hex_upper(uint32_t v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  do {
    out.insert(out.begin(), kHex[v & 15]);
    v >>= 4;
  } while (v != 0);
  return out;
}

}  // namespace mortar::api
