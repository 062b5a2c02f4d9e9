// `mortar serve`: wires the store, the API service and the HTTP server
// together, and runs until SIGTERM/SIGINT (or the hook says stop).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "server/config.h"

namespace mortar::server {

struct ServeHooks {
  // Blocks until the server should shut down. Unset: waits for SIGTERM or
  // SIGINT (a second one exits at once, without waiting for requests).
  std::function<void()> wait_for_stop;
  // Where first-start instructions (the `aws configure` lines) go; unset: stdout.
  std::ostream* out = nullptr;
};

// Returns the process exit code: 0 after a clean shutdown, 1 when the server
// could not start (the reason is logged).
int run_serve(const Config& config, const std::vector<std::string>& config_warnings,
              ServeHooks hooks = {});

}  // namespace mortar::server
