#include "jobs/warm_pool_key.h"

#include <dirent.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>

namespace mortar::jobs {
namespace {

std::string value_of(const std::vector<std::string>& env, const std::string& name) {
  for (const std::string& kv : env) {
    if (kv.size() > name.size() && kv.compare(0, name.size(), name) == 0 &&
        kv[name.size()] == '=') {
      return kv.substr(name.size() + 1);
    }
  }
  return "";
}

// The user base whose lib/pythonX.Y/site-packages Python would add to
// sys.path (site.py), or "" when it has none.
std::string user_site_base(const std::vector<std::string>& env) {
  if (!value_of(env, "PYTHONNOUSERSITE").empty()) return "";
  std::string base = value_of(env, "PYTHONUSERBASE");
  if (base.empty()) {
    std::string home = value_of(env, "HOME");
    if (home.empty()) {  // Python then asks the password database
      const passwd* pw = ::getpwuid(::getuid());
      if (pw == nullptr || pw->pw_dir == nullptr) return "";
      home = pw->pw_dir;
    }
    base = home + "/.local";
  }
  DIR* d = ::opendir((base + "/lib").c_str());
  if (d == nullptr) return "";
  bool found = false;
  while (dirent* e = ::readdir(d)) {
    if (std::string(e->d_name).rfind("python", 0) == 0) found = true;
  }
  ::closedir(d);
  return found ? base : "";
}

std::vector<std::string> split_path(const std::string& list) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t end = list.find(':', pos);
    out.push_back(list.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
    if (end == std::string::npos) return out;
    pos = end + 1;
  }
}

}  // namespace

StartupKey startup_key(const std::string& python, const std::vector<std::string>& env,
                       const std::string& base_path) {
  StartupKey out;
  std::vector<std::string> vars;
  for (const std::string& kv : env) {
    const std::string name = kv.substr(0, kv.find('='));
    if (name == "PYTHONPATH") continue;  // below
    if (name.rfind("PYTHON", 0) == 0 || name.rfind("PYENV", 0) == 0 || name.rfind("LC_", 0) == 0 ||
        name == "LANG" || name == "LANGUAGE" || name == "PATH") {
      vars.push_back(kv);
    }
  }
  const std::string python_path = value_of(env, "PYTHONPATH");
  std::string shared_path = python_path;
  if (!base_path.empty() && python_path.rfind(base_path + ":", 0) == 0) {
    shared_path = base_path;
    out.extra_paths = split_path(python_path.substr(base_path.size() + 1));
  }
  if (!shared_path.empty()) vars.push_back("PYTHONPATH=" + shared_path);
  std::sort(vars.begin(), vars.end());
  out.server_env = vars;
  // The fork server finds the same user site (or none) as this run.
  const std::string user_site = user_site_base(env);
  if (const std::string home = value_of(env, "HOME"); !home.empty()) {
    out.server_env.push_back("HOME=" + home);
  }
  out.key = python;
  for (const std::string& kv : vars) {
    out.key += '\0';
    out.key += kv;
  }
  out.key += std::string(1, '\0') + "user site=" + user_site;
  return out;
}

}  // namespace mortar::jobs
