// Small JSON helpers for turning Glue *Input objects into stored entities.
#pragma once

#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace mortar::catalog {

// Copies the listed members of `from` that are present into `to`.
inline void copy_members(const nlohmann::json& from, nlohmann::json& to,
                         std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = from.find(n);
    if (it != from.end() && !it->is_null()) to[n] = *it;
  }
}

inline StatusOr<nlohmann::json> parse_stored(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return internal_error("corrupt catalog record");
  return j;
}

inline std::string string_member(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace mortar::catalog
