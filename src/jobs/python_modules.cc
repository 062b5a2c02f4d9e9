#include "jobs/python_modules.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "jobs/exception_line.h"

namespace mortar::jobs {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReadyMarker = ".mortar-ready";

// An exclusive flock held for this object's life.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Splits output chunks into lines for `log`, keeping the last lines for an
// error message.
class LineCollector {
 public:
  explicit LineCollector(const std::function<void(std::string_view)>& log) : log_(log) {}
  void add(std::string_view chunk) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.append(chunk);
    size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      line(pending_.substr(0, nl));
      pending_.erase(0, nl + 1);
    }
  }
  void finish() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pending_.empty()) line(pending_);
    pending_.clear();
  }
  // The last non-empty line that looks like an error, else the last one.
  std::string summary() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = last_.rbegin(); it != last_.rend(); ++it) {
      if (it->find("ERROR") != std::string::npos || it->find("error") != std::string::npos) {
        return *it;
      }
    }
    return last_.empty() ? "" : last_.back();
  }

 private:
  void line(std::string text) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) return;
    if (log_) log_(text);
    last_.push_back(std::move(text));
    if (last_.size() > 20) last_.erase(last_.begin());
  }

  const std::function<void(std::string_view)>& log_;
  std::mutex mu_;
  std::string pending_;
  std::vector<std::string> last_;
};

}  // namespace

PythonModules::PythonModules(ProcessLauncher& launcher, std::string python, std::string venvs_dir,
                             std::vector<std::string> base_env)
    : launcher_(launcher),
      python_(std::move(python)),
      venvs_dir_(std::move(venvs_dir)),
      base_env_(std::move(base_env)) {}

std::string PythonModules::key(const std::vector<std::string>& requirements,
                               const std::vector<std::string>& installer_options,
                               const std::string& python) {
  std::vector<std::string> sorted = requirements;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string text = python + '\n';
  for (const std::string& r : sorted) text += "r " + r + '\n';
  for (const std::string& o : installer_options) text += "o " + o + '\n';
  return "py-" + sha256_hex(text).substr(0, 32);
}

StatusOr<std::string> PythonModules::ensure(const std::vector<std::string>& requirements,
                                            const std::vector<std::string>& installer_options,
                                            const std::function<void(std::string_view)>& log) {
  if (requirements.empty()) return invalid_input("no --additional-python-modules to install");
  const std::string name = key(requirements, installer_options, python_);
  const fs::path dir = fs::path(venvs_dir_) / name;
  const std::string interpreter = (dir / "bin" / "python").string();
  std::error_code ec;
  if (fs::exists(dir / kReadyMarker, ec)) return interpreter;

  std::shared_ptr<std::mutex> venv_mu;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = locks_[name];
    if (!slot) slot = std::make_shared<std::mutex>();
    venv_mu = slot;
  }
  std::lock_guard<std::mutex> in_process(*venv_mu);
  fs::create_directories(venvs_dir_, ec);
  if (ec) return internal_error("cannot create " + venvs_dir_ + ": " + ec.message());
  FileLock across_processes((fs::path(venvs_dir_) / (name + ".lock")).string());
  if (!across_processes.ok()) {
    return internal_error("cannot lock " + (fs::path(venvs_dir_) / (name + ".lock")).string());
  }
  if (fs::exists(dir / kReadyMarker, ec)) return interpreter;  // built while we waited
  fs::remove_all(dir, ec);                                     // a half-built one
  if (Status s = build(dir.string(), requirements, installer_options, log); !s.ok()) {
    fs::remove_all(dir, ec);
    return s;
  }
  std::ofstream(dir / kReadyMarker) << "ok\n";
  return interpreter;
}

Status PythonModules::build(const std::string& dir, const std::vector<std::string>& requirements,
                            const std::vector<std::string>& installer_options,
                            const std::function<void(std::string_view)>& log) {
  // Without pip in the venv (ensurepip takes long) when the base
  // interpreter's pip can install into it (--python, pip >= 22.3); else the
  // venv gets its own pip (Debian's python3 without python3-pip).
  const bool base_pip = base_has_pip();
  std::vector<std::string> venv = {python_, "-m", "venv", "--system-site-packages", dir};
  if (base_pip) venv.insert(venv.begin() + 3, "--without-pip");
  if (Status s = run_step("creating the virtualenv " + dir, venv, log); !s.ok()) return s;
  std::vector<std::string> pip =
      base_pip ? std::vector<std::string>{python_, "-m", "pip", "--python", dir + "/bin/python"}
               : std::vector<std::string>{dir + "/bin/python", "-m", "pip"};
  pip.insert(pip.end(), {"install", "--disable-pip-version-check", "--no-input"});
  pip.insert(pip.end(), installer_options.begin(), installer_options.end());
  pip.insert(pip.end(), requirements.begin(), requirements.end());
  std::string what = "installing --additional-python-modules";
  for (size_t i = 0; i < requirements.size(); ++i) what += (i ? "," : " ") + requirements[i];
  return run_step(what, std::move(pip), log);
}

bool PythonModules::base_has_pip() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (base_has_pip_.has_value()) return *base_has_pip_;
  }
  // pip >= 22.3 has --python.
  const bool has = run_step("probing pip",
                            {python_, "-c",
                             "import sys, pip; "
                             "sys.exit(tuple(map(int, pip.__version__.split('.')[:2])) < (22, 3))"},
                            nullptr)
                       .ok();
  std::lock_guard<std::mutex> lock(mu_);
  base_has_pip_ = has;
  return has;
}

Status PythonModules::run_step(const std::string& what, std::vector<std::string> argv,
                               const std::function<void(std::string_view)>& log) {
  LineCollector lines(log);
  LaunchSpec spec;
  spec.argv = std::move(argv);
  spec.env = base_env_;
  spec.env.push_back("HOME=" + venvs_dir_);
  spec.env.push_back("PIP_NO_INPUT=1");
  spec.working_dir = venvs_dir_;
  spec.on_output = [&lines](OutputStream, std::string_view chunk) { lines.add(chunk); };
  auto process = launcher_.launch(std::move(spec));
  if (!process.ok()) {
    return internal_error(what + " failed: " + std::string(status_message(process.status())));
  }
  ExitInfo info = (*process)->wait();
  process->reset();
  lines.finish();
  if (info.exit_code == 0) return ok_status();
  std::string why = !info.exception_line.empty() ? info.exception_line : lines.summary();
  if (why.empty()) why = "exit code " + std::to_string(info.exit_code);
  return invalid_input(what + " failed: " + why);
}

}  // namespace mortar::jobs
