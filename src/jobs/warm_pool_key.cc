#include "jobs/warm_pool_key.h"

#include <algorithm>

namespace mortar::jobs {

std::vector<std::string> startup_environment(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (const std::string& kv : env) {
    const std::string name = kv.substr(0, kv.find('='));
    if (name.rfind("PYTHON", 0) == 0 || name.rfind("PYENV", 0) == 0 || name.rfind("LC_", 0) == 0 ||
        name == "HOME" || name == "LANG" || name == "LANGUAGE" || name == "PATH") {
      out.push_back(kv);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string warm_pool_key(const std::string& python, const std::vector<std::string>& env) {
  std::string key = python;
  for (const std::string& kv : startup_environment(env)) {
    key += '\0';
    key += kv;
  }
  return key;
}

}  // namespace mortar::jobs
