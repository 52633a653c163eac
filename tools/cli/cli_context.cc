#include "tools/cli/cli_context.h"

#include <cstdlib>
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

Result<DomainConfig> CliContext::domain_config() {
  auto loaded = config();
  if (!loaded.ok()) return loaded.status();
  const RulesConfig& rules = loaded->rules;
  DomainConfig domain;
  domain.limits.general_rectification_days = rules.general_rectification_days;
  domain.limits.major_plan_days = rules.major_plan_days;
  domain.limits.major_rectification_days = rules.major_rectification_days;
  domain.media.photo_min_width = static_cast<std::uint32_t>(rules.summary_photo_min_width);
  domain.media.photo_min_height = static_cast<std::uint32_t>(rules.summary_photo_min_height);
  domain.media.video_min_width = static_cast<std::uint32_t>(rules.summary_video_min_width);
  domain.media.video_min_height = static_cast<std::uint32_t>(rules.summary_video_min_height);
  return domain;
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

}  // namespace redline::cli
