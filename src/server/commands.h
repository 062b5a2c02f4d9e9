// Subcommands of the `mortar` binary. Each adds itself (options and
// callback) to the CLI11 app; main.cc keeps a list of these functions, so
// a new subcommand is one line there. A callback that fails throws
// CLI::RuntimeError(exit_code) after printing why.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace mortar::server {

using AddCommand = void (*)(CLI::App& app);

void add_serve_command(CLI::App& app);  // mortar serve [--listen ...]
void add_admin_command(CLI::App& app);  // mortar admin accounts|keys|audit|migrate-store
void add_logs_command(CLI::App& app);     // mortar logs crawler NAME [--crawl-id ID]
void add_crawler_command(CLI::App& app);  // mortar crawler plan NAME
// mortar logs job-run RUN_ID [--follow], under `logs`; `data_dir` and
// `account` are the group's --data-dir/--account (they must outlive `logs`).
void add_job_run_logs_command(CLI::App& logs, std::string& data_dir, std::string& account);

// mortar run [--endpoint URL] [--data-dir DIR] [--python PATH] SCRIPT.py [args...]
// (raw style: argv[0] = "mortar run"; returns the exit code).
int run_script_command(int argc, char** argv);

// What job scripts (`mortar run` and job runs) run with: the interpreter,
// $MORTAR_PYTHON else the one the awsglue module was built for, and the dir
// holding the awsglue package, $MORTAR_PYTHON_PATH else <binary's dir>/python.
std::string script_python();
std::string script_python_dir();

}  // namespace mortar::server
