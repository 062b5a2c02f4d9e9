// The server `mortar run` starts in-process when no endpoint is configured:
// `run_serve` (the same code as `mortar serve`) on a thread, on 127.0.0.1
// port 0 and the local data dir, stopped when the script ends.
//
// Thread-safe: start() and stop() may be called from any one thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"
#include "server/config.h"

namespace mortar::server {

// What a script needs to reach a server: its endpoint and admin key.
struct ServerAccess {
  std::string endpoint;  // http://127.0.0.1:PORT
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
};

// Reads <data_dir>/credentials (aws credentials-file format, [default]).
Status read_admin_credentials(const std::string& data_dir, ServerAccess* access);

class LocalServer {
 public:
  ~LocalServer();  // stops the server if it still runs

  // Starts the server and waits until it listens. `config` is loaded the way
  // `mortar serve` loads it (listen is forced to 127.0.0.1:0 by the caller).
  static StatusOr<std::unique_ptr<LocalServer>> start(const Config& config,
                                                      const std::vector<std::string>& warnings);

  const ServerAccess& access() const { return access_; }

  // Stops the server (finishing requests in flight); returns run_serve's exit code.
  int stop();

 private:
  LocalServer() = default;

  enum class State { kStarting, kListening, kFailed, kStopping };
  std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kStarting;  // guarded by mu_
  int exit_code_ = 0;               // guarded by mu_
  std::thread thread_;
  ServerAccess access_;
};

// A Mortar server already listening on `data_dir` (its server.addr answers
// /healthz), if any.
std::optional<std::string> running_server_endpoint(const std::string& data_dir);

}  // namespace mortar::server
