// The `mortar` binary: a list of subcommands, nothing else. Each entry adds
// one subcommand (its options and callback) to the CLI11 app.
#include <CLI/CLI.hpp>

#include "server/commands.h"

namespace {

constexpr mortar::server::AddCommand kCommands[] = {
    mortar::server::add_serve_command,
    mortar::server::add_admin_command,
    // mortar::tools::add_file_command,   <- `mortar file`, once src/tools provides it
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Mortar: a self-hosted AWS Glue (catalog, crawlers, jobs) with Glue's wire API"};
  app.require_subcommand(1);
  for (mortar::server::AddCommand add : kCommands) add(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
