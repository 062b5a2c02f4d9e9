// Which fork server may serve a run: a warm child inherits everything its
// interpreter decided at start-up from its environment (sys.path from
// PYTHONPATH, sys.flags from PYTHON*, the user site from HOME, stdio's
// encoding from the locale, the interpreter itself through PATH), so a fork
// server only serves runs whose interpreter and start-up variables equal
// its own. Everything else in the environment is the run's own.
//
// Two per-run variations are allowed, because the child can redo what the
// interpreter derived from them: HOME, as long as it leads to no user
// site-packages (or to the same one), and PYTHONPATH entries after a common
// base (the job runner appends each run's --extra-py-files to Mortar's
// python dir); the child puts them into sys.path where Python would.
#pragma once

#include <string>
#include <vector>

namespace mortar::jobs {

struct StartupKey {
  std::string key;                       // interpreter + start-up variables
  std::vector<std::string> server_env;   // the environment to start its fork server with
  std::vector<std::string> extra_paths;  // PYTHONPATH entries after the base
};

// `base_path`: the PYTHONPATH prefix runs share (the pool's python dir); a
// PYTHONPATH that does not start with it is part of the key whole.
// Start-up variables: names starting with PYTHON, PYENV (pyenv's shims) or
// LC_, and LANG, LANGUAGE, PATH; HOME only through the user site it gives.
StartupKey startup_key(const std::string& python, const std::vector<std::string>& env,
                       const std::string& base_path);

}  // namespace mortar::jobs
