#include <iostream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>

#include "server/commands.h"
#include "server/config.h"
#include "server/serve.h"

namespace mortar::server {

void add_serve_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("serve", "Run the Mortar server (Glue API, /healthz, /metrics)");
  auto flags = std::make_shared<std::map<std::string, std::string>>();
  for (const ConfigKey& key : config_keys()) {
    const std::string name = key.key;
    CLI::Option* option = cmd->add_option_function<std::string>(
        key.flag_name(), [flags, name](const std::string& v) { (*flags)[name] = v; },
        std::string(key.help) + " [env " + key.env_name() + "]");
    option->type_name(key.type_name());  // values arrive as text; --help shows INT for numbers
  }
  cmd->footer(
      "Every option can also be set as an environment variable (shown) or in\n"
      "<data-dir>/mortar.toml (e.g. [auth] mode = \"open\"); flag > env > toml > default.");
  cmd->callback([flags] {
    ConfigSources sources;
    sources.flags = *flags;
    std::vector<std::string> warnings;
    auto config = load_config(sources, &warnings);
    if (!config.ok()) {
      std::cerr << "mortar serve: " << config.status().message() << "\n";
      throw CLI::RuntimeError(2);
    }
    int code = run_serve(*config, warnings);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace mortar::server
