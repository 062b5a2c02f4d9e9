#include "server/readiness.h"

#include <cstdint>

namespace mortar::server {

Status Readiness::check() const {
  std::map<std::string, int64_t, std::less<>> applied;
  Status read = store::run_in_read_transaction(store_, [&](store::Transaction& tx) -> Status {
    MORTAR_ASSIGN_OR_RETURN(
        std::vector<store::Row> rows,
        tx.query("SELECT component, MAX(version) FROM schema_migrations GROUP BY component"));
    for (const store::Row& row : rows) applied[row.text_at(0)] = row.int_at(1);
    return ok_status();
  });
  if (!read.ok()) {
    return absl::UnavailableError("the store does not answer: " + std::string(read.message()));
  }
  for (const auto& [component, version] : expected_) {
    auto it = applied.find(component);
    const int64_t have = it == applied.end() ? 0 : it->second;
    if (have < version) {
      return absl::UnavailableError("the store's schema of component '" + component +
                                    "' is at version " + std::to_string(have) +
                                    ", this server needs " + std::to_string(version));
    }
  }
  return ok_status();
}

}  // namespace mortar::server
