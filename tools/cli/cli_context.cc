#include "tools/cli/cli_context.h"

#include <chrono>
#include <cstdlib>
#include <thread>
#include <iostream>

namespace redline::cli {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok:
      return kExitOk;
    case ErrorCode::corruption:
      return kExitIntegrity;
    case ErrorCode::storage_error:
    case ErrorCode::kafka_error:
    case ErrorCode::not_found:
      return kExitStorage;
    case ErrorCode::config_error:
      return kExitUsage;
    default:
      return kExitRejected;
  }
}

int report_error(const Status& status) {
  std::cerr << "redline: " << status.message() << " (" << error_code_name(status.code())
            << ")\n";
  return exit_code_for(status.code());
}

Result<Viewer> viewer_option(const std::string& as) {
  if (as.empty()) return Viewer{};
  return parse_viewer(as);
}

void on_run(CLI::App* command, const GlobalOptions& globals, int* exit_code,
            std::function<int(CliContext&)> run) {
  command->callback([&globals, exit_code, run = std::move(run)] {
    CliContext context(globals);
    *exit_code = run(context);
  });
}

void add_global_options(CLI::App& app, GlobalOptions* options) {
  app.add_option("--data", options->data_dir, "store folder")->capture_default_str();
  app.add_option_function<std::string>(
         "--config",
         [options](const std::string& path) {
           options->config_path = path;
           options->config_given = true;
         },
         "configuration file (default config/redline.toml; built-in defaults when absent)");
  app.add_option("--kafka", options->kafka, "Kafka bootstrap brokers (also REDLINE_KAFKA)");
}

Result<Config> CliContext::config() {
  if (!config_) {
    auto loaded = load_config(options_.config_path, options_.config_given);
    if (!loaded.ok()) return loaded.status();
    config_ = std::move(loaded).value();
    if (!options_.kafka.empty()) {
      config_->kafka.brokers = options_.kafka;
    } else if (const char* env = std::getenv("REDLINE_KAFKA"); env != nullptr && *env != '\0') {
      config_->kafka.brokers = env;
    }
  }
  return *config_;
}

Result<std::unique_ptr<EventStore>> CliContext::open_store(bool create) {
  auto loaded = config();
  if (!loaded.ok()) return loaded.status();
  StoreOptions store_options;
  store_options.path = options_.data_dir;
  store_options.sync = loaded->store.sync;
  store_options.create_if_missing = create;
  return EventStore::open(store_options);
}

Result<std::unique_ptr<EventStore>> CliContext::open_follower() {
  StoreOptions store_options;
  store_options.path = options_.data_dir;
  store_options.create_if_missing = false;
  store_options.follower = true;
  // A writer opening or closing the store at this moment may remove a file the follower
  // is reading: try again a few times before saying so.
  for (int attempt = 1;; ++attempt) {
    auto store = EventStore::open(store_options);
    if (store.ok() || store.status().code() != ErrorCode::storage_error || attempt == 5) return store;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace redline::cli
