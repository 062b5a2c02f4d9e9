// --additional-python-modules: one virtualenv per set of requirements,
// under <venvs_dir>/<hash of the sorted set and installer options>/, created
// once (python -m venv --system-site-packages, then pip install into it) and
// reused by every later run with the same set, so only the first run pays
// for the install. A venv is marked ready only after pip succeeded; a
// half-built one (the server died mid-install) is rebuilt.
//
// Creation is serialised per venv by a mutex in this process and an flock on
// <hash>.lock across processes. The processes (venv, pip) are started
// through the given ProcessLauncher.
//
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "jobs/process_launcher.h"

namespace mortar::jobs {

class PythonModules {
 public:
  // `python`: the interpreter the venvs are made from (it needs the venv
  // module, and pip); `base_env`: PATH and what pip may need (proxy, PIP_*).
  PythonModules(ProcessLauncher& launcher, std::string python, std::string venvs_dir,
                std::vector<std::string> base_env);

  // The interpreter of the venv holding `requirements` (pip requirement
  // specifiers or local paths), installed with `installer_options` (extra pip
  // arguments). `log` receives pip's output lines.
  StatusOr<std::string> ensure(const std::vector<std::string>& requirements,
                               const std::vector<std::string>& installer_options,
                               const std::function<void(std::string_view)>& log);

  // The venv directory name for a requirement set (exposed for tests).
  static std::string key(const std::vector<std::string>& requirements,
                         const std::vector<std::string>& installer_options,
                         const std::string& python);

 private:
  Status build(const std::string& dir, const std::vector<std::string>& requirements,
               const std::vector<std::string>& installer_options,
               const std::function<void(std::string_view)>& log);
  bool base_has_pip();
  Status run_step(const std::string& what, std::vector<std::string> argv,
                  const std::function<void(std::string_view)>& log);

  ProcessLauncher& launcher_;
  const std::string python_;
  const std::string venvs_dir_;
  const std::vector<std::string> base_env_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::mutex>> locks_;  // guarded by mu_
  std::optional<bool> base_has_pip_;                          // guarded by mu_
};

}  // namespace mortar::jobs
