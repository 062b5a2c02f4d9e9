// Ctrl-C during an engine action. Python only notices SIGINT between
// bytecodes, and an action runs in C++ with the GIL released, so on its own
// the KeyboardInterrupt would wait until the action ended. run_action()
// installs a SIGINT handler for the action's duration that asks the engine
// to stop (engine/interrupt.h: sources fail with kCancelled, sinks clean up)
// and then calls Python's own handler, so the KeyboardInterrupt is raised as
// soon as the action returns.
#pragma once

#include <pybind11/pybind11.h>

#include "engine/interrupt.h"

namespace mortar::python {

// While one lives (the GIL held to create and destroy it), SIGINT also
// interrupts engine actions. Nested guards share the outermost's handler.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// Raises the KeyboardInterrupt Python's handler recorded, if the engine was
// interrupted (the GIL held).
void raise_if_interrupted();

// Runs an engine action with the GIL released and Ctrl-C enabled; returns
// its result (a Status/StatusOr the caller unwraps).
template <typename F>
auto run_action(F&& fn) {
  InterruptGuard guard;
  auto result = [&] {
    pybind11::gil_scoped_release release;
    return fn();
  }();
  raise_if_interrupted();
  return result;
}

}  // namespace mortar::python
