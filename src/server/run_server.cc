#include "server/run_server.h"

#include <sstream>

#include "io/s3/http_fetch.h"
#include "server/data_dir.h"
#include "server/serve.h"

namespace mortar::server {
namespace {

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace

Status read_admin_credentials(const std::string& data_dir, ServerAccess* access) {
  const std::string path = DataDir(data_dir).file("credentials");
  MORTAR_ASSIGN_OR_RETURN(std::string text, read_file(path));
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      continue;
    }
    size_t eq = line.find('=');
    if (section != "default" || eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") access->access_key_id = value;
    if (key == "aws_secret_access_key") access->secret_access_key = value;
  }
  if (access->access_key_id.empty() || access->secret_access_key.empty()) {
    return invalid_input(path + " has no [default] aws_access_key_id/aws_secret_access_key");
  }
  return ok_status();
}

std::optional<std::string> running_server_endpoint(const std::string& data_dir) {
  auto addr = read_file(DataDir(data_dir).file("server.addr"));
  if (!addr.ok() || trim(*addr).empty()) return std::nullopt;
  const std::string endpoint = "http://" + trim(*addr);
  auto health = io::s3::http_fetch("GET", endpoint + "/healthz", {}, 1000);
  if (!health.ok() || health->status != 200) return std::nullopt;  // a stale file
  return endpoint;
}

LocalServer::~LocalServer() { stop(); }

StatusOr<std::unique_ptr<LocalServer>> LocalServer::start(
    const Config& config, const std::vector<std::string>& warnings) {
  std::unique_ptr<LocalServer> server(new LocalServer());
  LocalServer* self = server.get();
  self->thread_ = std::thread([self, config, warnings] {
    // First-start instructions (aws configure lines) are for `mortar serve`
    // users; the script gets the key through its environment.
    std::ostringstream discarded;
    ServeHooks hooks;
    hooks.out = &discarded;
    hooks.wait_for_stop = [self] {
      std::unique_lock lock(self->mu_);
      self->state_ = State::kListening;
      self->cv_.notify_all();
      self->cv_.wait(lock, [self] { return self->state_ == State::kStopping; });
    };
    int code = run_serve(config, warnings, hooks);
    std::lock_guard lock(self->mu_);
    if (self->state_ == State::kStarting) self->state_ = State::kFailed;
    self->exit_code_ = code;
    self->cv_.notify_all();
  });
  {
    std::unique_lock lock(self->mu_);
    self->cv_.wait(lock, [self] { return self->state_ != State::kStarting; });
    if (self->state_ == State::kFailed) {
      lock.unlock();
      self->thread_.join();
      return internal_error("could not start a local server on " + config.data_dir +
                            " (the reason is logged above)");
    }
  }
  // The server wrote its bound address before calling wait_for_stop.
  MORTAR_ASSIGN_OR_RETURN(std::string addr, read_file(DataDir(config.data_dir).file("server.addr")));
  self->access_.endpoint = "http://" + trim(addr);
  self->access_.region = config.region;
  MORTAR_RETURN_IF_ERROR(read_admin_credentials(config.data_dir, &self->access_));
  return server;
}

int LocalServer::stop() {
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kListening) {
      state_ = State::kStopping;
      cv_.notify_all();
    }
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return exit_code_;
}

}  // namespace mortar::server
