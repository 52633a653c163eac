// The `redline` command line: global options, subcommands, exit codes (SPEC §7).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "tools/cli/cli_context.h"
#include "tools/cli/commands.h"

int main(int argc, char** argv) {
  // Logs go to stderr; stdout carries results only.
  auto logger = spdlog::stderr_color_mt("redline");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::warn);
  if (const char* level = std::getenv("REDLINE_LOG"); level != nullptr) {
    spdlog::set_level(spdlog::level::from_str(level));
  }

  CLI::App app{"Redline: event-sourced safety supervision for civil-affairs institutions"};
  app.require_subcommand(1);
  app.fallthrough();  // global options are accepted after the subcommand too
  redline::cli::GlobalOptions globals;
  redline::cli::add_global_options(app, &globals);

  int exit_code = redline::cli::kExitOk;
  redline::cli::add_store_commands(app, globals, &exit_code);
  redline::cli::add_domain_commands(app, globals, &exit_code);
  redline::cli::add_hazard_command(app, globals, &exit_code);
  redline::cli::add_simulate_command(app, &exit_code);
  redline::cli::add_status_command(app, globals, &exit_code);
  redline::cli::add_projection_commands(app, globals, &exit_code);
  redline::cli::add_rules_commands(app, globals, &exit_code);
  redline::cli::add_relay_command(app, globals, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? redline::cli::kExitOk : redline::cli::kExitUsage;
  }
  return exit_code;
}
