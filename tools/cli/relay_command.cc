// `redline relay [--once]` (publish the outbox to Kafka, kafka/relay.h), `redline relay
// --status` (the cursor and the lag) and `redline replicate --from-kafka` (kafka/replicate.h).
#include <atomic>
#include <csignal>
#include <iostream>

#include "kafka/relay.h"
#include "kafka/relay_cursor.h"
#include "kafka/replicate.h"
#include "projections/projection_store.h"
#include "tools/cli/command_relay.h"
#include "tools/cli/commands.h"

namespace redline::cli {
namespace {

// The configuration, when Kafka is on; nullopt (after saying why) when it is off or the
// configuration does not load.
std::optional<Config> kafka_config(CliContext& context, int* exit_code) {
  auto config = context.config();
  if (!config.ok()) {
    *exit_code = report_error(config.status());
    return std::nullopt;
  }
  if (config->kafka.brokers.empty()) {
    std::cerr << "redline: Kafka is off: give --kafka BROKERS (or REDLINE_KAFKA, or [kafka] brokers)\n";
    *exit_code = kExitUsage;
    return std::nullopt;
  }
  return *config;
}

struct RelayOptions {
  bool once = false;
  bool status = false;
};

int run_relay_status(CliContext& context) {
  auto store = context.open_follower();
  if (!store.ok()) return report_error(store.status());
  auto cursor = RelayCursor::peek(context.options().data_dir);
  if (!cursor.ok()) return report_error(cursor.status());
  const Position head = (*store)->head().position;
  std::cout << "relay cursor " << cursor->value() << ", head " << head.value() << ", lag "
            << head.value() - std::min(head.value(), cursor->value()) << " events\n";
  return kExitOk;
}

void print_progress(const RelayProgress& progress) {
  std::cout << "published " << progress.events << " events (" << progress.alerts << " alerts); relay cursor "
            << progress.cursor.value() << "\n";
}

// The relay reads the store as a follower, so it runs beside any process writing it; its
// cursor and lock are its own (kafka/relay_cursor.h).
int run_relay(CliContext& context, const RelayOptions& options) {
  if (options.status) return run_relay_status(context);
  int failed = kExitOk;
  auto config = kafka_config(context, &failed);
  if (!config) return failed;
  auto store = context.open_follower();
  if (!store.ok()) return report_error(store.status());
  RelaySettings settings;
  settings.mode = options.once ? RelayMode::single_pass : RelayMode::continuous;
  settings.notice = [](RelayNotice, const std::string& line) { print_relay_notice(line); };
  auto relay = Relay::open(**store, config->kafka, std::move(settings));
  if (!relay.ok()) return report_error(relay.status());
  if (options.once) {
    Status topics = (*relay)->ensure_topics(nullptr, std::chrono::steady_clock::time_point::max(),
                                            /*give_up_when_down=*/true);
    if (!topics.ok()) return report_error(topics);
    auto progress = (*relay)->publish_pending();
    if (!progress.ok()) return report_error(progress.status());
    print_progress(*progress);
    return kExitOk;
  }
  // Runs until SIGINT or SIGTERM, then confirms what it can within the drain.
  static std::atomic<bool> stop{false};
  std::signal(SIGINT, [](int) { stop.store(true); });
  std::signal(SIGTERM, [](int) { stop.store(true); });
  auto progress = (*relay)->run(stop, std::chrono::milliseconds(config->kafka.drain_ms));
  if (!progress.ok()) return report_error(progress.status());
  print_progress(*progress);
  return kExitOk;
}

int run_replicate(CliContext& context, bool from_kafka) {
  if (!from_kafka) {
    std::cerr << "redline: replicate needs --from-kafka (the only source there is)\n";
    return kExitUsage;
  }
  int failed = kExitOk;
  auto config = kafka_config(context, &failed);
  if (!config) return failed;
  auto store = context.open_store(/*create=*/true);
  if (!store.ok()) return report_error(store.status());
  auto outcome = replicate_from_kafka(**store, config->kafka, config->rules);
  if (!outcome.ok()) return report_error(outcome.status());
  // The projections, caught up from the replicated log.
  ProjectionSettings settings{static_cast<std::uint64_t>(config->projections.snapshot_every)};
  auto projections = ProjectionStore::open(**store, settings);
  if (!projections.ok()) return report_error(projections.status());
  Status caught_up = (*projections)->catch_up();
  if (!caught_up.ok()) return report_error(caught_up);
  // Everything replicated is in Kafka already: a relay of the replica starts after it.
  auto cursor = RelayCursor::open(context.options().data_dir);
  if (!cursor.ok()) return report_error(cursor.status());
  Status marked = (*cursor)->advance(outcome->head);
  if (!marked.ok()) return report_error(marked);
  std::cout << "replicated " << outcome->appended << " events from " << config->kafka.events_topic
            << " (" << outcome->duplicates << " duplicates dropped) into "
            << context.options().data_dir << "; head position " << outcome->head.value() << "\n";
  return kExitOk;
}

}  // namespace

void add_relay_command(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<RelayOptions>();
  auto* relay = app.add_subcommand("relay", "publish the committed log to Kafka");
  relay->add_flag("--once", options->once,
                  "publish what is committed, then stop (without it: keep publishing until SIGINT/SIGTERM)");
  relay->add_flag("--status", options->status, "show the cursor and the lag");
  on_run(relay, globals, exit_code,
         [options](CliContext& context) { return run_relay(context, *options); });

  auto from_kafka = std::make_shared<bool>(false);
  auto* replicate = app.add_subcommand("replicate", "build --data from the events topic");
  replicate->add_flag("--from-kafka", *from_kafka, "read the events topic of --kafka");
  on_run(replicate, globals, exit_code,
         [from_kafka](CliContext& context) { return run_replicate(context, *from_kafka); });
}

}  // namespace redline::cli
