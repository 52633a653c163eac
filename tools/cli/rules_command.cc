// `redline tick` (the deadline rules, engine/rules/tick.h) and `redline alerts` (the alert
// events of SPEC §2 in the shape of SPEC §6, engine/rules/alerts.h).
#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <thread>

#include "engine/rules/alerts.h"
#include "engine/rules/tick.h"
#include "events/codec.h"
#include "events/time.h"
#include "tools/cli/commands.h"
#include "tools/cli/event_output.h"

namespace redline::cli {
namespace {

struct TickOptions {
  std::string now;
  std::string format = "human";
};

int run_tick_command(CliContext& context, const TickOptions& options) {
  auto now = parse_instant(options.now);
  if (!now) {
    std::cerr << "redline: --now must be an ISO-8601 UTC instant such as 2026-06-03T09:00:00Z, got '"
              << options.now << "'\n";
    return kExitUsage;
  }
  auto format = parse_event_format(options.format);
  if (!format) {
    std::cerr << "redline: --format must be human or jsonl, got '" << options.format << "'\n";
    return kExitUsage;
  }
  auto config = context.config();
  if (!config.ok()) return report_error(config.status());
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  auto outcome = run_tick(**store, config->rules, *now);
  if (!outcome.ok()) return report_error(outcome.status());
  if (outcome->already_ticked_to) {
    std::cerr << "redline: already ticked to " << format_instant(*outcome->already_ticked_to)
              << "; nothing to do\n";
    return kExitOk;
  }
  std::size_t appended = 0;
  if (outcome->first_position) {
    for (std::uint64_t p = outcome->first_position->value(); p <= outcome->last_position->value();
         ++p) {
      auto event = (*store)->read(Position(p));
      if (!event.ok()) return report_error(event.status());
      print_event(std::cout, *event, *format);
      ++appended;
    }
  }
  if (*format == EventFormat::human) {
    std::cout << "ticked to " << format_instant(*now) << ": " << outcome->items_handled
              << " due item(s), " << appended << " event(s) appended\n";
  }
  return kExitOk;
}

struct AlertsOptions {
  std::string county;
  std::uint64_t from = 1;
  std::string format = "table";
  bool follow = false;
  double poll_seconds = 0.2;
};

volatile std::sig_atomic_t g_stop = 0;

void print_alert(const nlohmann::ordered_json& alert, bool jsonl) {
  if (jsonl) {
    std::cout << alert.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << '\n';
    return;
  }
  auto text = [](const nlohmann::ordered_json& value) {
    return value.is_string() ? value.get<std::string>() : std::string("-");
  };
  std::cout << std::setw(8) << alert["position"].get<std::uint64_t>() << "  "
            << text(alert["occurred_at"]) << "  " << std::left << std::setw(10)
            << text(alert["county"]) << std::setw(26) << text(alert["type"]) << std::setw(11)
            << text(alert["level"]) << std::right << text(alert["message"]) << '\n';
}

int run_alerts(CliContext& context, const AlertsOptions& options) {
  if (options.format != "table" && options.format != "jsonl" && options.format != "json") {
    std::cerr << "redline: --format must be table or jsonl, got '" << options.format << "'\n";
    return kExitUsage;
  }
  const bool jsonl = options.format != "table";
  // A follower: alerts can be read (and followed) while another process writes the store.
  auto store = context.open_follower();
  if (!store.ok()) return report_error(store.status());
  AlertRenderer renderer(**store);
  Position next(std::max<std::uint64_t>(options.from, 1));
  if (options.follow) {
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
  }
  while (true) {
    Status failure;
    Status scanned = (*store)->scan(next, [&](Position position, std::string_view bytes) {
      next = position.next();
      auto event = decode_envelope(bytes);
      if (!event.ok()) {
        failure = event.status();
        return false;
      }
      if (!is_alert(event->data)) return true;
      auto alert = renderer.render(*event);
      if (!alert.ok()) {
        failure = alert.status();
        return false;
      }
      if (!options.county.empty() && (*alert)["county"] != options.county) return true;
      print_alert(*alert, jsonl);
      return true;
    });
    if (!scanned.ok()) return report_error(scanned);
    if (!failure.ok()) return report_error(failure);
    std::cout << std::flush;
    if (!options.follow || g_stop) return kExitOk;
    std::this_thread::sleep_for(std::chrono::duration<double>(options.poll_seconds));
    if (g_stop) return kExitOk;
    Status caught_up = (*store)->catch_up();
    if (!caught_up.ok()) return report_error(caught_up);
  }
}

}  // namespace

void add_rules_commands(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto tick = std::make_shared<TickOptions>();
  auto* tick_command = app.add_subcommand("tick", "run the deadline rules up to a time");
  tick_command->add_option("--now", tick->now, "the instant to tick to (ISO-8601 UTC)")->required();
  tick_command->add_option("--format", tick->format, "human or jsonl (the events appended)");
  on_run(tick_command, globals, exit_code,
         [tick](CliContext& context) { return run_tick_command(context, *tick); });

  auto alerts = std::make_shared<AlertsOptions>();
  auto* alerts_command = app.add_subcommand("alerts", "alerts from the local log");
  alerts_command->add_option("--county", alerts->county, "only this county's alerts");
  alerts_command->add_option("--from", alerts->from, "from this position on");
  alerts_command->add_option("--format", alerts->format, "table or jsonl");
  alerts_command->add_flag("--follow", alerts->follow, "wait for new alerts (Ctrl-C to stop)");
  alerts_command->add_option("--poll", alerts->poll_seconds, "seconds between looks for new alerts when following")
      ->check(CLI::Range(0.01, 60.0));
  on_run(alerts_command, globals, exit_code,
         [alerts](CliContext& context) { return run_alerts(context, *alerts); });
}

}  // namespace redline::cli
