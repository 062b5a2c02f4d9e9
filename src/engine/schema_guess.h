// Guessed schemas. A CSV source types each value (Glue's choice types), so
// its exact schema needs a pass over whole files; sinks and other actions
// instead start on a guess from each file's sampled rows. When a value past
// the sample does not fit the guess, the source fails the pass with
// schema_widened(), remembers to read whole files next time and moves the
// schema epoch, which makes every cached schema (PlanNode::schema) recompute.
// The action then reruns itself once with rerun_if_widened() (sinks are
// atomic, so a half-done first attempt leaves nothing behind).
//
// Actions that show a schema (DynamicFrame::schema, printSchema) hold an
// ExactSchemaScope: sources then read whole files instead of guessing, and
// guesses cached earlier are dropped first.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/status.h"

namespace mortar::engine {

// The current schema epoch; cached schemas from older epochs are stale.
uint64_t schema_epoch();
// Moves the epoch: every cached schema is recomputed on its next use.
void invalidate_schemas();

// A source's guessed schema proved too narrow (a kAborted status carrying a
// marker payload that annotate() keeps).
Status schema_widened(std::string_view message);
bool is_schema_widened(const Status& status);

// A source records that it handed out a guessed schema in this epoch.
void note_schema_guessed();

// While one lives on this thread, sources compute exact schemas.
class ExactSchemaScope {
 public:
  ExactSchemaScope();
  ~ExactSchemaScope();
  ExactSchemaScope(const ExactSchemaScope&) = delete;
  ExactSchemaScope& operator=(const ExactSchemaScope&) = delete;
};
bool exact_schema_wanted();

// Runs `action` (returning Status or StatusOr) again while it fails with
// schema_widened(), at most twice more: a widened source reads whole files
// after the first failure, so a second widening means the files changed.
template <typename F>
auto rerun_if_widened(F&& action) -> std::invoke_result_t<F&> {
  for (int attempt = 0;; ++attempt) {
    auto result = action();
    const Status& s = [&]() -> const Status& {
      if constexpr (std::is_same_v<std::decay_t<decltype(result)>, Status>) {
        return result;
      } else {
        return result.status();
      }
    }();
    if (attempt >= 2 || !is_schema_widened(s)) return result;
  }
}

}  // namespace mortar::engine
