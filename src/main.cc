// The `mortar` binary: a list of subcommands, nothing else. Adding one is one
// line in kSubcommands, in either style:
//   add: adds itself (options and callback) to the CLI11 app;
//   run: takes the raw arguments (argv[0] = "mortar <name>") and returns the
//        exit code, for commands that parse their own.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "server/commands.h"
#include "tools/cli_errors.h"
#include "tools/file_command.h"

namespace {

struct Subcommand {
  const char* name;
  const char* help;                   // for `run` commands; `add` ones bring their own
  mortar::server::AddCommand add;     // CLI11 style, or
  int (*run)(int argc, char** argv);  // raw style
};

const Subcommand kSubcommands[] = {
    {"serve", nullptr, mortar::server::add_serve_command, nullptr},
    {"admin", nullptr, mortar::server::add_admin_command, nullptr},
    {"logs", nullptr, mortar::server::add_logs_command, nullptr},
    {"crawler", nullptr, mortar::server::add_crawler_command, nullptr},
    {"file", "Inspect and convert data files (schema, head, cat, convert)", nullptr,
     mortar::tools::run_file_command},
    {"run", "Run a Glue ETL script locally (mortar run [--endpoint URL] SCRIPT.py [args...])",
     nullptr, mortar::server::run_script_command},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    for (const Subcommand& cmd : kSubcommands) {
      if (cmd.run != nullptr && std::string(argv[1]) == cmd.name) {
        std::string program = std::string("mortar ") + cmd.name;
        std::vector<char*> args{program.data()};
        args.insert(args.end(), argv + 2, argv + argc);
        args.push_back(nullptr);
        return cmd.run(argc - 1, args.data());
      }
    }
  }
  CLI::App app{"Mortar: a self-hosted AWS Glue (catalog, crawlers, jobs) with Glue's wire API"};
  app.require_subcommand(1);
  for (const Subcommand& cmd : kSubcommands) {
    if (cmd.add != nullptr) {
      cmd.add(app);
    } else {
      app.add_subcommand(cmd.name, cmd.help);  // listed in --help; dispatched above
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (mortar::tools::explain_subcommand_error(app, e)) return e.get_exit_code();
    return app.exit(e);
  }
  return 0;
}
