// Epoch seconds as ISO 8601 UTC ("2024-01-31T10:00:00Z"), for logs, crawl
// error messages and the CLIs' tables.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>

namespace mortar {

inline std::string utc_timestamp(int64_t epoch_seconds) {
  const time_t t = static_cast<time_t>(epoch_seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return stamp;
}

}  // namespace mortar
