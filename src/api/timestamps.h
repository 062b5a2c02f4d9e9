// Glue's wire format for timestamps: epoch seconds as a JSON number
// (fractional when needed). The JS SDK rejects ISO strings, so handlers build
// output timestamps with these helpers.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace mortar::api {

inline nlohmann::json epoch_seconds_json(int64_t epoch_micros) {
  if (epoch_micros % 1000000 == 0) return epoch_micros / 1000000;
  return double(epoch_micros) / 1e6;
}

// Epoch seconds (possibly fractional) from an input timestamp member, in micros.
inline int64_t epoch_micros_from_json(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<int64_t>() * 1000000;
  if (v.is_number()) return int64_t(v.get<double>() * 1e6);
  return 0;
}

}  // namespace mortar::api
