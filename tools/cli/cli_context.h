// What every `redline` subcommand shares: the global options, the loaded configuration,
// opening the store, and the mapping from a Status to the exit codes of SPEC §7.
// Used from the CLI's single thread.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "engine/config.h"
#include "engine/domain/visibility.h"
#include "engine/event_store.h"

namespace redline::cli {

// SPEC §7 exit codes.
enum ExitCode : int {
  kExitOk = 0,
  kExitRejected = 1,
  kExitUsage = 2,
  kExitIntegrity = 3,
  kExitStorage = 4,
};

struct GlobalOptions {
  std::string data_dir = "./redline-data";
  std::string config_path = "config/redline.toml";
  bool config_given = false;
  std::string kafka;  // --kafka, else REDLINE_KAFKA, else [kafka] brokers
};

class CliContext {
 public:
  explicit CliContext(GlobalOptions options) : options_(std::move(options)) {}

  // Loads the configuration once; a missing default file means built-in defaults.
  Result<Config> config();
  // Opens the store; `create` for `init`, otherwise a missing store is an error.
  Result<std::unique_ptr<EventStore>> open_store(bool create);
  // Opens the store read-only beside any process writing it (StoreOptions::follower).
  Result<std::unique_ptr<EventStore>> open_follower();
  const GlobalOptions& options() const { return options_; }

 private:
  GlobalOptions options_;
  std::optional<Config> config_;
};

// The viewer of `--as ROLE[:SCOPE]`; the operator (sees everything) when `as` is empty.
Result<Viewer> viewer_option(const std::string& as);

// Prints "redline: <message>" to stderr and returns the exit code for the status.
int report_error(const Status& status);
int exit_code_for(ErrorCode code);

// Makes `command` run `run` with a CliContext of the global options (read when it runs,
// after parsing) and leave its exit code in *exit_code.
void on_run(CLI::App* command, const GlobalOptions& globals, int* exit_code,
            std::function<int(CliContext&)> run);

// Adds --data, --config and --kafka to an app or subcommand (accepted before or after the
// subcommand, as SPEC §7 says).
void add_global_options(CLI::App& app, GlobalOptions* options);

}  // namespace redline::cli
