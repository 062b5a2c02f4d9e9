#include "jobs/warm_pool.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "jobs/posix_launcher.h"
#include "jobs/warm_pool_key.h"
#include "jobs/warm_process.h"

namespace mortar::jobs {
namespace {

std::string base_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string current_dir() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof buf) != nullptr ? std::string(buf) : std::string("/");
}

// The script as the child resolves it: relative to its working dir.
std::string script_path(const LaunchSpec& spec) {
  const std::string& script = spec.argv[1];
  if (script[0] == '/') return script;
  return (spec.working_dir.empty() ? current_dir() : spec.working_dir) + "/" + script;
}

// Whether `dir` holds a module or package named like one in `preloaded`.
bool dir_shadows(const std::string& dir, const std::set<std::string>& preloaded) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return true;
  bool found = false;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == "__pycache__") continue;
    std::string stem = name.substr(0, name.find('.'));
    if (stem.empty() || preloaded.count(stem) == 0) continue;
    const bool module_file = name.size() > 3 && (name.ends_with(".py") || name.ends_with(".pyc") ||
                                                 name.ends_with(".so"));
    if (module_file || name == stem) {  // a file or package directory
      found = true;
      break;
    }
  }
  ::closedir(d);
  return found;
}

// Whether a directory that comes before the standard library in a cold
// start's sys.path -- the script's own (sys.path[0]), the run's extra
// PYTHONPATH entries -- holds a module or package named like one the fork
// server preloaded: a cold start would import that one. Extra entries that
// are not directories (zip files) cannot be checked: true.
bool shadows_preloaded(const LaunchSpec& spec, const std::string& script,
                       const std::vector<std::string>& extra_paths,
                       const std::set<std::string>& preloaded) {
  char resolved[PATH_MAX];
  if (::realpath(script.c_str(), resolved) == nullptr) return true;
  std::string dir(resolved);
  dir.erase(dir.rfind('/') == 0 ? 1 : dir.rfind('/'));
  if (dir_shadows(dir, preloaded)) return true;
  const std::string cwd = spec.working_dir.empty() ? current_dir() : spec.working_dir;
  for (const std::string& entry : extra_paths) {
    const std::string path = entry.empty() ? cwd : entry[0] == '/' ? entry : cwd + "/" + entry;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) continue;  // Python skips what is not there
    if (!S_ISDIR(st.st_mode) || dir_shadows(path, preloaded)) return true;
  }
  return false;
}

// Whether `python` (resolved through the spec's PATH) is an executable
// itself rather than a script in front of one (pyenv's shims): a wrapper may
// change the environment before the interpreter starts, which a warm run,
// whose environment is exactly the spec's, would not see.
bool is_binary(const std::string& python, const std::vector<std::string>& env) {
  std::string path_list;
  for (const std::string& kv : env) {
    if (kv.rfind("PATH=", 0) == 0) path_list = kv.substr(5);
  }
  if (path_list.empty() && std::getenv("PATH") != nullptr) path_list = std::getenv("PATH");
  StatusOr<std::string> program = resolve_program(python, path_list);
  if (!program.ok()) return false;
  std::ifstream f(*program, std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  f.read(magic, 4);
  return f.gcount() == 4 && std::string_view(magic, 4) ==
                                "\x7f"
                                "ELF";
}

}  // namespace

WarmPoolLauncher::WarmPoolLauncher(WarmPoolOptions options, ProcessLauncher& fallback)
    : options_(std::move(options)), fallback_(fallback) {
  if (options_.size > 0) refiller_ = std::thread([this] { refill_loop(); });
}

WarmPoolLauncher::~WarmPoolLauncher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (refiller_.joinable()) refiller_.join();
}

std::string WarmPoolLauncher::unservable(const LaunchSpec& spec) const {
  if (spec.argv.size() < 2) return "not a script";
  if (base_name(spec.argv[0]).rfind("python", 0) != 0) return "not a Python interpreter";
  if (spec.argv[1].empty() || spec.argv[1][0] == '-') return "interpreter options";
  if (!is_binary(spec.argv[0], spec.env)) return "a wrapper script, not the interpreter";
  struct stat st {};
  if (!spec.working_dir.empty() &&
      (::stat(spec.working_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    return "no working dir";  // the cold launcher says so
  }
  const std::string script = script_path(spec);
  if (::stat(script.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      ::access(script.c_str(), R_OK) != 0) {
    return "no readable script";  // and Python's own message comes from a cold start
  }
  return "";
}

WarmPoolLauncher::Pool* WarmPoolLauncher::pool_for(const std::string& python,
                                                   const std::vector<std::string>& env) {
  StartupKey key = startup_key(python, env, options_.python_dir);
  auto it = pools_.find(key.key);
  if (it != pools_.end()) return &it->second;
  if (static_cast<int>(pools_.size()) >= options_.max_keys) return nullptr;
  Pool& pool = pools_[key.key];
  pool.python = python;
  pool.env = std::move(key.server_env);
  changed_.notify_all();
  return &pool;
}

std::shared_ptr<ForkServer> WarmPoolLauncher::pick(Pool& pool) {
  auto dead = std::remove_if(pool.ready.begin(), pool.ready.end(),
                             [](const std::shared_ptr<ForkServer>& s) { return !s->alive(); });
  if (dead != pool.ready.end()) {
    stats_.deaths += pool.ready.end() - dead;
    pool.ready.erase(dead, pool.ready.end());
    changed_.notify_all();
  }
  std::shared_ptr<ForkServer> best;
  for (const auto& s : pool.ready) {
    if (!best || s->in_flight() < best->in_flight()) best = s;
  }
  return best;
}

StatusOr<std::unique_ptr<Process>> WarmPoolLauncher::launch(LaunchSpec spec) {
  if (options_.size <= 0) return fallback_.launch(std::move(spec));
  if (!unservable(spec).empty()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.passed;
    }
    return fallback_.launch(std::move(spec));
  }
  std::shared_ptr<ForkServer> server;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Pool* pool = pool_for(spec.argv[0], spec.env);
    if (pool != nullptr) server = pick(*pool);
    if (server == nullptr) ++stats_.misses;
  }
  if (server == nullptr) return fallback_.launch(std::move(spec));
  const std::vector<std::string> extra_paths =
      startup_key(spec.argv[0], spec.env, options_.python_dir).extra_paths;
  if (shadows_preloaded(spec, script_path(spec), extra_paths, server->preloaded_top_level())) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.passed;
    }
    return fallback_.launch(std::move(spec));
  }

  LaunchSpec warm = spec;  // the fallback still needs it if the fork fails
  if (warm.working_dir.empty()) warm.working_dir = current_dir();
  StatusOr<std::unique_ptr<Process>> process = WarmProcess::start(server, std::move(warm));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (process.ok()) {
      ++stats_.hits;
      return process;
    }
    // Not started (the fork server died or could not fork): cold instead.
    ++stats_.misses;
    stats_.last_error = std::string(status_message(process.status()));
    changed_.notify_all();  // a dead fork server is replaced
  }
  return fallback_.launch(std::move(spec));
}

void WarmPoolLauncher::prestart(const std::string& python, const std::vector<std::string>& env) {
  if (options_.size <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  pool_for(python, env);
}

WarmPoolStats WarmPoolLauncher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WarmPoolStats out = stats_;
  out.ready = 0;
  for (const auto& [key, pool] : pools_) {
    for (const auto& s : pool.ready) out.ready += s->alive() ? 1 : 0;
  }
  out.target = static_cast<int64_t>(pools_.size()) * std::max(options_.size, 0);
  return out;
}

bool WarmPoolLauncher::wait_ready(const LaunchSpec& spec, int count,
                                  std::chrono::milliseconds timeout) {
  if (options_.size <= 0 || spec.argv.empty()) return false;
  std::unique_lock<std::mutex> lock(mu_);
  Pool* pool = pool_for(spec.argv[0], spec.env);
  if (pool == nullptr) return false;
  return changed_.wait_for(lock, timeout, [&] {
    int alive = 0;
    for (const auto& s : pool->ready) alive += s->alive() ? 1 : 0;
    return alive >= count;
  });
}

void WarmPoolLauncher::refill_loop() {
  const std::string script = options_.python_dir + "/_mortar_forkserver/__main__.py";
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    Pool* todo = nullptr;
    auto next_wake = now + std::chrono::milliseconds(500);  // dead servers are noticed by then
    for (auto& [key, pool] : pools_) {
      pick(pool);  // drops the dead
      if (pool.starting || static_cast<int>(pool.ready.size()) >= options_.size) continue;
      if (now < pool.retry_at) {
        next_wake = std::min(next_wake, pool.retry_at);
        continue;
      }
      todo = &pool;
      break;
    }
    if (todo == nullptr) {
      changed_.wait_until(lock, next_wake);
      continue;
    }
    todo->starting = true;
    ForkServerConfig config{todo->python, todo->env, script, options_.start_timeout};
    lock.unlock();
    StatusOr<std::shared_ptr<ForkServer>> server = ForkServer::start(config);
    lock.lock();
    todo->starting = false;
    if (server.ok()) {
      todo->ready.push_back(std::move(*server));
      todo->failures = 0;
      ++stats_.started;
    } else {
      ++stats_.start_failures;
      stats_.last_error = std::string(status_message(server.status()));
      auto delay = options_.retry_delay * (1 << std::min(todo->failures, 16));
      todo->retry_at = std::chrono::steady_clock::now() + std::min(delay, options_.max_retry_delay);
      ++todo->failures;
    }
    changed_.notify_all();
  }
}

}  // namespace mortar::jobs
