#include "engine/schema_guess.h"

#include <atomic>

#include "absl/strings/cord.h"

namespace mortar::engine {

namespace {

constexpr std::string_view kWidenedPayload = "mortar.engine/schema-widened";

std::atomic<uint64_t> g_epoch{1};
// The epoch in which a source last handed out a guess (0: none).
std::atomic<uint64_t> g_guessed_epoch{0};
thread_local int t_exact_depth = 0;

}  // namespace

uint64_t schema_epoch() { return g_epoch.load(std::memory_order_acquire); }

void invalidate_schemas() { g_epoch.fetch_add(1, std::memory_order_acq_rel); }

Status schema_widened(std::string_view message) {
  Status s = absl::AbortedError(to_absl(message));
  s.SetPayload(to_absl(kWidenedPayload), absl::Cord());
  return s;
}

bool is_schema_widened(const Status& status) {
  return !status.ok() && status.GetPayload(to_absl(kWidenedPayload)).has_value();
}

void note_schema_guessed() { g_guessed_epoch.store(schema_epoch(), std::memory_order_release); }

ExactSchemaScope::ExactSchemaScope() {
  // Guesses cached in this epoch would answer instead of exact schemas.
  if (t_exact_depth++ == 0 && g_guessed_epoch.load(std::memory_order_acquire) == schema_epoch())
    invalidate_schemas();
}

ExactSchemaScope::~ExactSchemaScope() { --t_exact_depth; }

bool exact_schema_wanted() { return t_exact_depth > 0; }

}  // namespace mortar::engine
