#include "jobs/fork_server.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "jobs/posix_launcher.h"

namespace mortar::jobs {
namespace {

using json = nlohmann::json;

// Messages from the fork server are small; requests carry a run's argv and
// environment: one datagram, so a spec larger than the socket buffer (~200
// KiB) cannot be sent and the run starts cold.
constexpr size_t kMaxReply = 1 << 20;
constexpr auto kAnswerTimeout = std::chrono::seconds(10);

Status errno_status(const std::string& what, int err) {
  return internal_error(what + ": " + std::strerror(err));
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The soft and hard limit for `want` (0: none), never above what this
// process may raise to -- as the cold launcher sets them.
json limit_pair(int resource, int64_t want, int64_t hard_slack = 0) {
  if (want <= 0) return nullptr;
  rlimit current{};
  if (::getrlimit(resource, &current) != 0) return nullptr;
  auto clamp = [&](int64_t v) -> int64_t {
    if (current.rlim_max != RLIM_INFINITY && static_cast<rlim_t>(v) > current.rlim_max) {
      return static_cast<int64_t>(current.rlim_max);
    }
    return v;
  };
  return json::array({clamp(want), clamp(want + hard_slack)});
}

// Blocks until a message arrives or the deadline passes; "" on EOF/timeout.
std::string receive(int sock, int timeout_ms) {
  pollfd p{sock, POLLIN, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  if (rc <= 0) return "";
  std::string buf(kMaxReply, '\0');
  ssize_t n;
  do {
    n = ::recv(sock, buf.data(), buf.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return "";
  buf.resize(static_cast<size_t>(n));
  return buf;
}

void reap(pid_t pid) {
  // It exits once its socket is closed; SIGKILL only a stuck one.
  for (int i = 0; i < 200; ++i) {
    pid_t got = ::waitpid(pid, nullptr, WNOHANG);
    if (got == pid || (got < 0 && errno != EINTR)) return;
    ::usleep(10 * 1000);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

StatusOr<std::shared_ptr<ForkServer>> ForkServer::start(const ForkServerConfig& config) {
  std::string path_list;
  for (const std::string& kv : config.env) {
    if (kv.rfind("PATH=", 0) == 0) path_list = kv.substr(5);
  }
  if (path_list.empty() && std::getenv("PATH") != nullptr) path_list = std::getenv("PATH");
  StatusOr<std::string> program = resolve_program(config.python, path_list);
  if (!program.ok()) return program.status();
  int socks[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks) != 0) {
    return errno_status("cannot create the fork server's socket", errno);
  }
  // The child end becomes fd 3; dup2 onto itself would keep O_CLOEXEC.
  if (socks[1] == 3) {
    int moved = ::fcntl(socks[1], F_DUPFD_CLOEXEC, 4);
    ::close(socks[1]);
    socks[1] = moved;
  }
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, null_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, null_fd, STDOUT_FILENO);
  // stderr stays the server's: the fork server's own complaints land in its log.
  posix_spawn_file_actions_adddup2(&actions, socks[1], 3);
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  // Its own group: a terminal's Ctrl-C for `mortar serve` is not for it.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  std::vector<std::string> argv_s{config.python, config.script, "3"};
  std::vector<std::string> env_s = config.env;
  std::vector<char*> argv = c_strings(argv_s);
  std::vector<char*> envp = c_strings(env_s);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program->c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(socks[1]);
  if (null_fd >= 0) ::close(null_fd);
  if (rc != 0) {
    ::close(socks[0]);
    return invalid_input("cannot start the fork server " + *program + ": " + std::strerror(rc));
  }
  std::shared_ptr<ForkServer> server(new ForkServer(pid, socks[0]));
  std::string ready = receive(socks[0], static_cast<int>(config.ready_timeout.count()));
  json message = json::parse(ready, nullptr, false);
  if (ready.empty() || !message.is_object() || !message.contains("ready")) {
    server->alive_ = false;  // the destructor closes and reaps
    return internal_error("the fork server " + *program + " " + config.script +
                          (ready.empty() ? " did not get ready" : " answered nonsense") +
                          " (its errors are in the server's log)");
  }
  if (message.value("threads", 1) != 1) {
    server->alive_ = false;
    return internal_error(
        "the fork server has more than one thread after preloading; forking it is unsafe");
  }
  if (auto fds = message.find("extra_fds"); fds != message.end() && !fds->empty()) {
    // A child closes them; a preloaded module using one would misbehave.
    server->alive_ = false;
    return internal_error("a preloaded module keeps descriptors open (" + fds->dump() +
                          "); the fork server cannot serve runs");
  }
  if (auto top = message.find("top_level"); top != message.end() && top->is_array()) {
    for (const json& name : *top) {
      if (name.is_string()) server->preloaded_.insert(name.get<std::string>());
    }
  }
  server->reader_ = std::thread([raw = server.get()] { raw->read_loop(); });
  return server;
}

ForkServer::~ForkServer() {
  ::shutdown(sock_, SHUT_RDWR);
  if (reader_.joinable()) {
    if (reader_.get_id() == std::this_thread::get_id()) {
      reader_.detach();
    } else {
      reader_.join();
    }
  }
  ::close(sock_);
  reap(pid_);
}

Status ForkServer::send_message(const std::string& text, const int* fds, int nfds) {
  iovec iov{const_cast<char*>(text.data()), text.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
  if (nfds > 0) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
    std::memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
  }
  std::lock_guard<std::mutex> lock(send_mu_);
  ssize_t n;
  do {
    n = ::sendmsg(sock_, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno_status("cannot reach the fork server", errno);
  return ok_status();
}

StatusOr<pid_t> ForkServer::spawn(const LaunchSpec& spec, int out_fd, int err_fd,
                                  std::function<void(ChildExit)> on_exit) {
  json limits = json::object();
  if (json v = limit_pair(RLIMIT_AS, spec.limits.memory_bytes); !v.is_null()) limits["as"] = v;
  // The soft CPU limit sends SIGXCPU; the hard one, a little later, SIGKILL.
  if (json v = limit_pair(RLIMIT_CPU, spec.limits.cpu_seconds, 5); !v.is_null()) {
    limits["cpu"] = v;
  }
  if (json v = limit_pair(RLIMIT_NOFILE, spec.limits.open_files); !v.is_null()) {
    limits["nofile"] = v;
  }
  int64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!alive_) return internal_error("the fork server is gone");
    id = next_request_++;
    pending_[id].on_exit = std::move(on_exit);
  }
  std::string text;
  try {
    json request = {{"run", id},
                    {"argv", spec.argv},
                    {"env", spec.env},
                    {"cwd", spec.working_dir},
                    {"limits", limits}};
    text = request.dump();
  } catch (const json::exception&) {
    // Not UTF-8: JSON cannot carry the bytes exactly, a cold start can.
    std::lock_guard<std::mutex> lock(mu_);
    pending_.erase(id);
    return invalid_input("the run's arguments or environment are not UTF-8");
  }
  const int fds[2] = {out_fd, err_fd};
  Status sent = send_message(text, fds, 2);
  std::unique_lock<std::mutex> lock(mu_);
  if (!sent.ok()) {
    pending_.erase(id);
    return sent;
  }
  // It answers within milliseconds; one that does not is stuck (stopped,
  // swapping to death): kill it -- a child it may have forked dies with it --
  // so the run can start cold without running twice.
  if (!answered_.wait_for(lock, kAnswerTimeout, [&] { return pending_[id].answered; })) {
    ::kill(pid_, SIGKILL);
    answered_.wait(lock, [&] { return pending_[id].answered; });
  }
  Pending answer = std::move(pending_[id]);
  pending_.erase(id);
  if (answer.pid <= 0)
    return internal_error("the fork server did not start the run: " + answer.error);
  return answer.pid;
}

void ForkServer::signal_group(pid_t child, int sig) {
  if (!alive_) return;
  (void)send_message(json{{"signal", child}, {"sig", sig}}.dump(), nullptr, 0);
}

void ForkServer::release(pid_t child) {
  if (!alive_) return;
  (void)send_message(json{{"release", child}}.dump(), nullptr, 0);
}

int ForkServer::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(running_.size() + pending_.size());
}

void ForkServer::read_loop() {
  while (true) {
    std::string text = receive(sock_, -1);
    if (text.empty()) break;
    json m = json::parse(text, nullptr, false);
    if (!m.is_object()) continue;
    if (m.contains("started") || m.contains("refused")) {
      const bool started = m.contains("started");
      int64_t id = m.value(started ? "started" : "refused", int64_t{0});
      std::lock_guard<std::mutex> lock(mu_);
      auto it = pending_.find(id);
      if (it == pending_.end()) continue;
      it->second.answered = true;
      if (started) {
        it->second.pid = m.value("pid", -1);
        if (it->second.pid > 0) running_[it->second.pid] = std::move(it->second.on_exit);
      } else {
        it->second.error = m.value("error", std::string("refused"));
      }
      answered_.notify_all();
    } else if (m.contains("exited")) {
      pid_t pid = m.value("exited", -1);
      std::function<void(ChildExit)> callback;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = running_.find(pid);
        if (it == running_.end()) continue;
        callback = std::move(it->second);
        running_.erase(it);
      }
      if (callback) callback(ChildExit{m.value("exit_code", 255), m.value("signal", 0)});
    }
  }
  on_dead();
}

void ForkServer::on_dead() {
  std::map<pid_t, std::function<void(ChildExit)>> orphans;
  {
    std::lock_guard<std::mutex> lock(mu_);
    alive_ = false;
    for (auto& [id, p] : pending_) {
      if (!p.answered) {
        p.answered = true;
        p.error = "the fork server died";
      }
    }
    answered_.notify_all();
    orphans.swap(running_);
  }
  // Its children die with it (PR_SET_PDEATHSIG); what they started goes too.
  for (auto& [pid, callback] : orphans) {
    ::kill(-pid, SIGKILL);
    if (callback) callback(ChildExit{128 + SIGKILL, SIGKILL});
  }
}

}  // namespace mortar::jobs
