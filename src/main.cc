// The `mortar` binary: a list of subcommands, nothing else. Adding one is one
// line in kSubcommands, in either style:
//   add: adds itself (options and callback) to the CLI11 app;
//   run: takes the raw arguments (argv[0] = "mortar <name>") and returns the
//        exit code, for commands that parse their own.
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "server/commands.h"
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

// CLI11 answers `mortar frobnicate` (and `mortar admin frobnicate`) with "A
// subcommand is required". Say instead which word was not a subcommand, and
// list the subcommands. Returns false when the error is not about a subcommand.
bool explain_subcommand_error(CLI::App& app, const CLI::Error& error) {
  if (dynamic_cast<const CLI::RequiredError*>(&error) == nullptr ||
      std::string(error.what()).find("subcommand") == std::string::npos) {
    return false;
  }
  CLI::App* level = &app;  // the innermost subcommand given
  while (!level->get_subcommands().empty()) level = level->get_subcommands().front();
  for (; level != nullptr; level = level->get_parent()) {
    if (level->get_require_subcommand_min() > 0) break;
  }
  if (level == nullptr) return false;
  std::string path;
  for (const CLI::App* a = level; a != nullptr; a = a->get_parent()) {
    path = (a->get_parent() == nullptr ? std::string("mortar") : a->get_name()) +
           (path.empty() ? "" : " " + path);
  }
  std::string choices;
  for (const CLI::App* sub : level->get_subcommands([](CLI::App*) { return true; })) {
    choices += (choices.empty() ? "" : ", ") + sub->get_name();
  }
  std::string unknown;
  for (const std::string& word : app.remaining(true)) {  // fallthrough may pass it upwards
    if (!word.empty() && word[0] != '-') {
      unknown = word;
      break;
    }
  }
  if (unknown.empty()) {
    std::cerr << path << ": a subcommand is required: " << choices << "\n";
  } else {
    std::cerr << path << ": unknown subcommand '" << unknown
              << "'; the subcommands are: " << choices << "\n";
  }
  std::cerr << "Run '" << path << " --help' for more.\n";
  return true;
}

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
    if (explain_subcommand_error(app, e)) return e.get_exit_code();
    return app.exit(e);
  }
  return 0;
}
