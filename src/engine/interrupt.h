// A process-wide request to stop the actions running now (Ctrl-C in a
// script). Sources check it between batches and fail with kCancelled, so a
// sink cleans up as after any failure and nothing half-written is visible.
// request_interrupt() is async-signal-safe (a lock-free atomic store), for
// a signal handler; the binding that starts an action clears it first.
#pragma once

#include <memory>

#include "common/status.h"
#include "engine/plan_node.h"

namespace mortar::engine {

void request_interrupt();
void clear_interrupt();
bool interrupt_requested();
// OK, or the kCancelled status sources return once interrupted.
Status check_interrupt();

// `stream`, failing with check_interrupt() before each batch (for sources).
std::unique_ptr<BatchStream> interruptible(std::unique_ptr<BatchStream> stream);

}  // namespace mortar::engine
