// Registration of the `redline` subcommands. Each add_* function adds its subcommands to
// the app; their callbacks run after parsing and leave the process exit code in *exit_code.
#pragma once

#include <CLI/CLI.hpp>

#include "tools/cli/cli_context.h"

namespace redline::cli {

// init, events, history, audit verify.
void add_store_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code);

// submit.
void add_domain_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code);

// projection list | rebuild | run | add | show.
void add_projection_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code);

// status, supervision.
void add_status_command(CLI::App& app, const GlobalOptions& globals, int* exit_code);

// tick, alerts, rules simulate.
void add_rules_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code);

// relay, replicate.
void add_relay_command(CLI::App& app, const GlobalOptions& globals, int* exit_code);

// simulate.
void add_simulate_command(CLI::App& app, int* exit_code);

// hazard.
void add_hazard_command(CLI::App& app, const GlobalOptions& globals, int* exit_code);

}  // namespace redline::cli
