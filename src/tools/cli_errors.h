// One explanation of CLI11's subcommand errors for every `mortar` command,
// whether it is a CLI11 subcommand of the binary or parses its own arguments
// (`mortar file`).
#pragma once

#include <CLI/CLI.hpp>

namespace mortar::tools {

// CLI11 answers `mortar frobnicate` (and `mortar admin frobnicate`) with "A
// subcommand is required". Prints instead which word was not a subcommand and
// lists the subcommands of that level. Returns false (printing nothing) when
// the error is not about a subcommand. The root app's name, if it has one
// ("mortar file"), starts the printed command path; else "mortar".
bool explain_subcommand_error(CLI::App& app, const CLI::Error& error);

}  // namespace mortar::tools
