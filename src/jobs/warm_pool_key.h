// Which fork server may serve a run: a warm child inherits everything its
// interpreter decided at start-up from its environment (sys.path from
// PYTHONPATH, sys.flags from PYTHON*, the user site from HOME, stdio's
// encoding from the locale, the interpreter itself through PATH), so a fork
// server only serves runs whose interpreter and start-up variables equal
// its own. Everything else in the environment is the run's own.
#pragma once

#include <string>
#include <vector>

namespace mortar::jobs {

// The entries of `env` ("KEY=value") the interpreter reads at start-up,
// sorted: names starting with PYTHON, PYENV (pyenv's shims) or LC_, and
// HOME, LANG, LANGUAGE, PATH.
std::vector<std::string> startup_environment(const std::vector<std::string>& env);

// The pool key of a run of `python` with `env`.
std::string warm_pool_key(const std::string& python, const std::vector<std::string>& env);

}  // namespace mortar::jobs
