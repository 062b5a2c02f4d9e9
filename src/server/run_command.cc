// `mortar run [--endpoint URL] [--data-dir DIR] [--python PATH] SCRIPT.py [args...]`:
// runs a Glue ETL script locally with Mortar's awsglue package, against the
// configured endpoint or, when there is none, a server started in-process on
// the local data dir for the length of the run. See README.md ("ETL").
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/s3/http_fetch.h"
#include "server/commands.h"
#include "server/config.h"
#include "server/data_dir.h"
#include "server/run_process.h"
#include "server/run_server.h"

extern char** environ;

#ifndef MORTAR_PYTHON3_EXECUTABLE
#define MORTAR_PYTHON3_EXECUTABLE "python3"
#endif

namespace mortar::server {
namespace {

namespace fs = std::filesystem;

constexpr int kUsageError = 2;

constexpr const char* kUsage =
    "Usage: mortar run [--endpoint URL] [--data-dir DIR] [--python PATH] SCRIPT.py [args...]\n"
    "\n"
    "Runs a Glue ETL script with Mortar's awsglue package. Everything after SCRIPT.py goes\n"
    "to the script; --JOB_NAME <script name> and --JOB_RUN_ID jr_<hex> are added unless given.\n"
    "\n"
    "  --endpoint URL   the Glue endpoint (else $MORTAR_ENDPOINT); the script uses your AWS\n"
    "                   credentials. Without one, mortar run uses the server running on the\n"
    "                   data dir, or starts one in-process for the length of the run and\n"
    "                   gives the script its admin key.\n"
    "  --data-dir DIR   the data dir (else $MORTAR_DATA_DIR, else ./.mortar); run logs go to\n"
    "                   DIR/logs/runs/<JOB_RUN_ID>.log\n"
    "  --python PATH    the interpreter (else $MORTAR_PYTHON, else " MORTAR_PYTHON3_EXECUTABLE ")\n"
    "\n"
    "The exit code is the script's (128+N when signal N ended it); 2 when mortar run itself\n"
    "could not start it.\n";

struct RunArgs {
  std::string endpoint;
  std::string data_dir;
  std::string python;
  std::string script;
  std::vector<std::string> script_args;
};

std::string env_or(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

int fail(const std::string& message, int code = kUsageError) {
  std::cerr << "mortar run: " << message << "\n";
  return code;
}

// Parses mortar run's own options (before SCRIPT.py); nullopt after printing
// usage (help: exit 0) or an error.
std::optional<RunArgs> parse_args(int argc, char** argv, int* exit_code) {
  RunArgs args;
  const std::map<std::string, std::string RunArgs::*> options = {
      {"--endpoint", &RunArgs::endpoint},
      {"--data-dir", &RunArgs::data_dir},
      {"--python", &RunArgs::python}};
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      *exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.empty() || arg[0] != '-') break;
    std::string name = arg, value;
    bool inline_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inline_value = true;
    }
    auto it = options.find(name);
    if (it == options.end()) {
      std::cerr << "mortar run: unknown option " << name << " (options go before SCRIPT.py)\n\n"
                << kUsage;
      *exit_code = kUsageError;
      return std::nullopt;
    }
    if (!inline_value) {
      if (i + 1 >= argc) {
        std::cerr << "mortar run: " << name << " needs a value\n";
        *exit_code = kUsageError;
        return std::nullopt;
      }
      value = argv[++i];
    }
    args.*(it->second) = value;
  }
  if (i >= argc) {
    std::cerr << "mortar run: no script given\n\n" << kUsage;
    *exit_code = kUsageError;
    return std::nullopt;
  }
  args.script = argv[i++];
  args.script_args.assign(argv + i, argv + argc);
  return args;
}

// The value of `--NAME value` / `--NAME=value` among the script's args, if given.
std::optional<std::string> find_arg(const std::vector<std::string>& args, const std::string& name) {
  const std::string flag = "--" + name;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag) return i + 1 < args.size() ? args[i + 1] : std::string();
    if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
  }
  return std::nullopt;
}

// A run id safe as a file name.
std::string log_name(const std::string& run_id) {
  std::string out;
  for (char c : run_id) {
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  }
  if (out.empty() || out[0] == '.') out = "run" + out;
  return out;
}

std::string python_dir() { return script_python_dir(); }

// Loads the configuration the way `mortar serve` does, on a free loopback
// port; the in-process server logs warnings and errors only unless
// MORTAR_LOG_LEVEL says otherwise.
StatusOr<Config> local_config(const std::string& data_dir_flag) {
  ConfigSources sources;
  sources.flags["listen"] = "127.0.0.1:0";
  if (!data_dir_flag.empty()) sources.flags["data_dir"] = data_dir_flag;
  sources.env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v != nullptr) return std::string(v);
    if (name == "MORTAR_LOG_LEVEL") return std::string("warn");
    return std::nullopt;
  };
  std::vector<std::string> warnings;
  return load_config(sources, &warnings);
}

std::vector<std::string> child_env(const std::string& python_path, const ServerAccess& access,
                                   bool local, const std::string& data_dir) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  const std::string old_path = env["PYTHONPATH"];
  env["PYTHONPATH"] = old_path.empty() ? python_path : python_path + ":" + old_path;
  env["PYTHONUNBUFFERED"] = "1";  // output reaches the terminal and log as it happens
  env["MORTAR_ENDPOINT"] = access.endpoint;
  if (local) {
    // The local server's admin key; a session token of other credentials would not match it.
    env.erase("AWS_SESSION_TOKEN");
    env["AWS_ACCESS_KEY_ID"] = access.access_key_id;
    env["AWS_SECRET_ACCESS_KEY"] = access.secret_access_key;
    env["AWS_REGION"] = access.region;
    env["AWS_DEFAULT_REGION"] = access.region;
  }
  if (!data_dir.empty()) env["MORTAR_DATA_DIR"] = data_dir;
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::string signal_name(int sig) {
  const char* d = strsignal(sig);
  return "signal " + std::to_string(sig) + (d != nullptr ? std::string(" (") + d + ")" : "");
}

}  // namespace

std::string script_python_dir() {
  std::string dir = env_or("MORTAR_PYTHON_PATH");
  if (!dir.empty()) return dir;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("python") : (exe.parent_path() / "python").string();
}

std::string script_python() { return env_or("MORTAR_PYTHON", MORTAR_PYTHON3_EXECUTABLE); }

int run_script_command(int argc, char** argv) {
  int exit_code = 0;
  std::optional<RunArgs> parsed = parse_args(argc, argv, &exit_code);
  if (!parsed) return exit_code;
  RunArgs& args = *parsed;

  std::error_code ec;
  if (!fs::is_regular_file(args.script, ec)) return fail("no such script: " + args.script);
  const std::string py_dir = python_dir();
  if (!fs::is_directory(fs::path(py_dir) / "awsglue", ec)) {
    return fail("the awsglue package is not in " + py_dir +
                " (build the _mortar target, or set MORTAR_PYTHON_PATH)");
  }
  std::string interpreter = !args.python.empty() ? args.python : script_python();

  // Glue passes these to every run; scripts read them with getResolvedOptions.
  std::vector<std::string> script_argv{interpreter, args.script};
  std::string run_id;
  if (!find_arg(args.script_args, "JOB_NAME")) {
    script_argv.insert(script_argv.end(), {"--JOB_NAME", fs::path(args.script).stem().string()});
  }
  if (auto given = find_arg(args.script_args, "JOB_RUN_ID")) {
    run_id = *given;
  } else {
    run_id = "jr_" + random_hex(32);
    script_argv.insert(script_argv.end(), {"--JOB_RUN_ID", run_id});
  }
  script_argv.insert(script_argv.end(), args.script_args.begin(), args.script_args.end());

  std::string endpoint = !args.endpoint.empty() ? args.endpoint : env_or("MORTAR_ENDPOINT");
  std::string data_dir = !args.data_dir.empty() ? args.data_dir : env_or("MORTAR_DATA_DIR");
  ServerAccess access;
  std::unique_ptr<LocalServer> local;
  bool local_credentials = false;
  if (!endpoint.empty()) {
    while (endpoint.size() > 1 && endpoint.back() == '/') endpoint.pop_back();
    if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
      return fail("the endpoint must be an http:// or https:// URL, got " + endpoint);
    }
    // Any HTTP answer will do (a non-Mortar Glue endpoint has no /healthz).
    auto answer = io::s3::http_fetch("GET", endpoint + "/healthz", {}, 5000);
    if (!answer.ok()) {
      return fail("the Glue endpoint " + endpoint + " does not answer (" +
                  std::string(status_message(answer.status())) +
                  "); start `mortar serve` there, or unset MORTAR_ENDPOINT and drop --endpoint "
                  "to let mortar run start a server on the local data dir");
    }
    access.endpoint = endpoint;
  } else {
    StatusOr<Config> config = local_config(args.data_dir);
    if (!config.ok()) return fail(std::string(status_message(config.status())));
    config->data_dir = fs::absolute(config->data_dir, ec).lexically_normal().string();
    data_dir = config->data_dir;
    if (auto running = running_server_endpoint(data_dir)) {
      // Two servers on one data dir would both run its crawlers and schedules.
      std::cerr << "mortar run: using the Mortar server already running on " << data_dir << " ("
                << *running << ")\n";
      access.endpoint = *running;
      access.region = config->region;
      if (Status s = read_admin_credentials(data_dir, &access); !s.ok()) {
        return fail(std::string(status_message(s)));
      }
    } else {
      const bool first_start = !DataDir(data_dir).has_credentials();
      auto started = LocalServer::start(*config, {});
      if (!started.ok()) return fail(std::string(status_message(started.status())));
      local = std::move(*started);
      access = local->access();
      if (first_start) {
        std::cerr << "mortar run: created the data dir " << data_dir
                  << " (admin key in its credentials file)\n";
      }
    }
    local_credentials = true;
  }

  fs::path log_dir = !data_dir.empty() ? fs::path(data_dir) / "logs" / "runs"
                                       : fs::temp_directory_path() / "mortar-runs";
  fs::create_directories(log_dir, ec);
  if (ec) return fail("cannot create the log dir " + log_dir.string() + ": " + ec.message());
  const std::string log_path = (log_dir / (log_name(run_id) + ".log")).string();

  ScriptProcess process(script_argv, child_env(py_dir, access, local_credentials, data_dir),
                        log_path);
  StatusOr<ScriptResult> result = process.run();
  if (local) local->stop();
  if (!result.ok()) return fail(std::string(status_message(result.status())));

  if (result->exit_code != 0) {
    const std::string name = fs::path(args.script).filename().string();
    std::string why;
    if (result->signal != 0) {
      why = "stopped by " + signal_name(result->signal);
    } else if (!result->exception_line.empty()) {
      why = result->exception_line;
    } else {
      why = "exit code " + std::to_string(result->exit_code);
    }
    std::cerr << "mortar run: " << name << " failed: " << why << "\n"
              << "mortar run: log: " << log_path << "\n";
  }
  return result->exit_code;
}

}  // namespace mortar::server
