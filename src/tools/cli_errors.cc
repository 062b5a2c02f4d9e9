#include "tools/cli_errors.h"

#include <iostream>
#include <string>

namespace mortar::tools {

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
    std::string name = a->get_name();
    if (a->get_parent() == nullptr && name.empty()) name = "mortar";
    path = name + (path.empty() ? "" : " " + path);
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

}  // namespace mortar::tools
