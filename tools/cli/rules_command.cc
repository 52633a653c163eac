// `redline tick` (the deadline rules, engine/rules/tick.h) and `redline alerts` (the alert
// events of SPEC §2 in the shape of SPEC §6, engine/rules/alerts.h).
#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <unistd.h>
#include <thread>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <future>

#include "engine/rules/alerts.h"
#include "kafka/alert_subscription.h"
#include "engine/rules/rules_simulation.h"
#include "engine/rules/tick.h"
#include "tools/cli/table.h"
#include "events/codec.h"
#include "events/time.h"
#include "tools/cli/command_relay.h"
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
  CommandRelay relay(*config, **store);  // publishes the tick's events as it ends
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
  bool summary = false;
  double poll_seconds = 0.2;
  std::string group;  // with Kafka: the consumer group
};

// The alert types in SPEC §2's order: the columns of `alerts --summary`.
const std::vector<std::string> kAlertTypes = {
    "HazardListed",         "DeadlineMissed",      "HazardEscalated",          "AccountabilityRaised",
    "ReferredToGovernment", "VerificationOverdue", "SystemicHazardIdentified", "ObligationMissed"};

volatile std::sig_atomic_t g_stop = 0;
// How long a follower may fail to catch up with the writer before `alerts --follow` gives up.
constexpr double kFollowerPatienceSeconds = 5;

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
  auto config = context.config();
  if (!config.ok()) return report_error(config.status());
  if (!config->kafka.brokers.empty() && !options.summary) {
    // From Kafka: the alerts topic, as a supervisor elsewhere would read it.
    if (options.follow) {
      std::signal(SIGINT, [](int) { g_stop = 1; });
      std::signal(SIGTERM, [](int) { g_stop = 1; });
    }
    AlertSubscription subscription;
    subscription.group = options.group.empty() ? "redline-alerts-" + std::to_string(::getpid()) : options.group;
    subscription.follow = options.follow;
    subscription.stop = [] { return g_stop != 0; };
    Status subscribed = subscribe_alerts(config->kafka, subscription, [&](const nlohmann::ordered_json& alert) {
      if (alert["position"].get<std::uint64_t>() < options.from) return;
      if (!options.county.empty() && alert["county"] != options.county) return;
      print_alert(alert, jsonl);
      std::cout << std::flush;
    });
    return subscribed.ok() ? kExitOk : report_error(subscribed);
  }
  if (options.summary && (options.follow || jsonl)) {
    std::cerr << "redline: --summary is a table of the alerts so far; it takes neither --follow nor --format\n";
    return kExitUsage;
  }
  std::map<std::string, std::map<std::string, std::int64_t>> counts;  // county → type → alerts
  // A follower: alerts can be read (and followed) while another process writes the store.
  auto store = context.open_follower();
  if (!store.ok()) return report_error(store.status());
  std::optional<AlertRenderer> renderer(std::in_place, **store);
  Position next(std::max<std::uint64_t>(options.from, 1));
  int failed_catch_ups = 0;  // in a row
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
      auto alert = renderer->render(*event);
      if (!alert.ok()) {
        failure = alert.status();
        return false;
      }
      if (!options.county.empty() && (*alert)["county"] != options.county) return true;
      if (options.summary) {
        const auto& county = (*alert)["county"];
        ++counts[county.is_string() ? county.get<std::string>() : "-"][std::string(event->type())];
        return true;
      }
      print_alert(*alert, jsonl);
      return true;
    });
    if (!scanned.ok()) return report_error(scanned);
    if (!failure.ok()) return report_error(failure);
    if (options.summary) {
      std::vector<std::string> header = {"county"};
      header.insert(header.end(), kAlertTypes.begin(), kAlertTypes.end());
      Table table(header);
      std::map<std::string, std::int64_t> totals;
      for (const auto& [county, by_type] : counts) {
        std::vector<std::string> row = {county};
        for (const auto& type : kAlertTypes) {
          auto found = by_type.find(type);
          const std::int64_t n = found == by_type.end() ? 0 : found->second;
          totals[type] += n;
          row.push_back(std::to_string(n));
        }
        table.add(std::move(row));
      }
      std::vector<std::string> all = {"all"};
      for (const auto& type : kAlertTypes) all.push_back(std::to_string(totals[type]));
      table.add(std::move(all));
      table.print(std::cout);
    }
    std::cout << std::flush;
    if (!options.follow || g_stop) return kExitOk;
    std::this_thread::sleep_for(std::chrono::duration<double>(options.poll_seconds));
    if (g_stop) return kExitOk;
    Status caught_up = (*store)->catch_up();
    if (caught_up.ok()) {
      failed_catch_ups = 0;
      continue;
    }
    // A writer opening or closing the store removes files a follower may be reading: open
    // the follower afresh, and give up only when that keeps failing.
    if (++failed_catch_ups * options.poll_seconds > kFollowerPatienceSeconds) {
      return report_error(caught_up);
    }
    spdlog::debug("following {}: {}; opening it again", context.options().data_dir, caught_up.message());
    auto reopened = context.open_follower();
    if (reopened.ok()) {
      store = std::move(reopened);
      renderer.emplace(**store);
    }
  }
}

struct SimulateOptions {
  std::string other_config;
  std::string until;
  std::string format = "table";
};

// "name a → b" for each rule parameter that differs.
std::vector<std::string> differences(const RulesConfig& today, const RulesConfig& other) {
  std::vector<std::string> out;
  auto number = [&](const char* name, std::int32_t a, std::int32_t b) {
    if (a != b) out.push_back(std::string(name) + " " + std::to_string(a) + " → " + std::to_string(b));
  };
  number("general_rectification_days", today.general_rectification_days, other.general_rectification_days);
  number("major_plan_days", today.major_plan_days, other.major_plan_days);
  number("major_rectification_days", today.major_rectification_days, other.major_rectification_days);
  number("escalation_interval_days", today.escalation_interval_days, other.escalation_interval_days);
  number("verification_days", today.verification_days, other.verification_days);
  number("systemic_threshold", today.systemic_threshold, other.systemic_threshold);
  number("systemic_window_days", today.systemic_window_days, other.systemic_window_days);
  auto ladder = [](const RulesConfig& r) {
    std::string text;
    for (auto level : r.escalation_ladder) text += (text.empty() ? "" : ",") + std::string(to_string(level));
    return text;
  };
  if (ladder(today) != ladder(other)) out.push_back("escalation_ladder " + ladder(today) + " → " + ladder(other));
  if (today.major_listing_level != other.major_listing_level) {
    out.push_back("major_listing_level " + std::string(to_string(today.major_listing_level)) + " → " +
                  std::string(to_string(other.major_listing_level)));
  }
  return out;
}

nlohmann::ordered_json counts_json(const RuleCounts& c) {
  return {{"deadlines_missed", c.deadlines_missed}, {"escalations", c.escalations},
          {"listings", c.listings}, {"accountability", c.accountability},
          {"obligations_missed", c.obligations_missed}};
}

int run_rules_simulate(CliContext& context, const SimulateOptions& options) {
  std::optional<Timestamp> until;
  if (!options.until.empty()) {
    until = parse_instant(options.until);
    if (!until) {
      std::cerr << "redline: --until must be an ISO-8601 UTC instant, got '" << options.until << "'\n";
      return kExitUsage;
    }
  }
  if (options.format != "table" && options.format != "json") {
    std::cerr << "redline: --format must be table or json, got '" << options.format << "'\n";
    return kExitUsage;
  }
  auto today = context.config();
  if (!today.ok()) return report_error(today.status());
  auto other = load_config(options.other_config, /*must_exist=*/true);
  if (!other.ok()) return report_error(other.status());
  auto source = context.open_follower();
  if (!source.ok()) return report_error(source.status());

  std::error_code ec;
  const auto scratch = std::filesystem::temp_directory_path() /
                       ("redline-rules-simulate-" + std::to_string(::getpid()));
  std::filesystem::remove_all(scratch, ec);
  std::filesystem::create_directories(scratch, ec);
  // Both replays read the same source; each writes its own scratch store.
  auto today_run = std::async(std::launch::async, [&] {
    return simulate_rules(**source, today->rules, until, (scratch / "today").string());
  });
  auto other_run = simulate_rules(**source, other->rules, until, (scratch / "other").string());
  auto today_result = today_run.get();
  std::filesystem::remove_all(scratch, ec);
  if (!today_result.ok()) return report_error(today_result.status());
  if (!other_run.ok()) return report_error(other_run.status());

  std::set<std::string> counties;
  for (const auto& [county, c] : today_result->by_county) counties.insert(county);
  for (const auto& [county, c] : other_run->by_county) counties.insert(county);
  auto of = [](const RuleSimulation& run, const std::string& county) {
    auto found = run.by_county.find(county);
    return found == run.by_county.end() ? RuleCounts{} : found->second;
  };
  if (options.format == "json") {
    nlohmann::ordered_json out;
    out["ticked_to"] = format_instant(today_result->ticked_to);
    out["events_replayed"] = today_result->events_replayed;
    out["differences"] = differences(today->rules, other->rules);
    out["counties"] = nlohmann::ordered_json::array();
    for (const auto& county : counties) {
      out["counties"].push_back({{"county", county},
                                 {"today", counts_json(of(*today_result, county))},
                                 {"other", counts_json(of(*other_run, county))}});
    }
    out["total"] = {{"today", counts_json(today_result->total)}, {"other", counts_json(other_run->total)}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "replayed " << today_result->events_replayed << " command events, ticking to "
            << format_instant(today_result->ticked_to) << "\n";
  const auto changed = differences(today->rules, other->rules);
  std::cout << "today's rules → " << options.other_config << ": "
            << (changed.empty() ? std::string("no rule parameter differs") : "") ;
  for (std::size_t i = 0; i < changed.size(); ++i) std::cout << (i ? "; " : "") << changed[i];
  std::cout << "\n\n";
  Table table({"county", "deadlines missed", "escalations", "listings", "accountability",
               "obligations missed"});
  auto cell = [](std::int64_t a, std::int64_t b) {
    return std::to_string(a) + " → " + std::to_string(b);
  };
  auto row = [&](const std::string& name, const RuleCounts& a, const RuleCounts& b) {
    table.add({name, cell(a.deadlines_missed, b.deadlines_missed), cell(a.escalations, b.escalations),
               cell(a.listings, b.listings), cell(a.accountability, b.accountability),
               cell(a.obligations_missed, b.obligations_missed)});
  };
  for (const auto& county : counties) {
    row(county.empty() ? "(none)" : county, of(*today_result, county), of(*other_run, county));
  }
  row("all", today_result->total, other_run->total);
  table.print(std::cout);
  return kExitOk;
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
  auto* alerts_command = app.add_subcommand("alerts", "alerts from the local log, or from Kafka with --kafka");
  alerts_command->add_option("--county", alerts->county, "only this county's alerts");
  alerts_command->add_option("--from", alerts->from, "from this position on");
  alerts_command->add_option("--format", alerts->format, "table or jsonl");
  alerts_command->add_flag("--follow", alerts->follow, "wait for new alerts (Ctrl-C to stop)");
  alerts_command->add_flag("--summary", alerts->summary, "count the alerts per county and type");
  alerts_command->add_option("--group", alerts->group,
                             "with --kafka: the consumer group (default: a new one, from the beginning)");
  alerts_command->add_option("--poll", alerts->poll_seconds, "seconds between looks for new alerts when following")
      ->check(CLI::Range(0.01, 60.0));
  on_run(alerts_command, globals, exit_code,
         [alerts](CliContext& context) { return run_alerts(context, *alerts); });

  auto* rules = app.add_subcommand("rules", "rule what-if");
  rules->require_subcommand(1);
  auto simulate = std::make_shared<SimulateOptions>();
  auto* simulate_command = rules->add_subcommand(
      "simulate", "replay the commands' events under other rule parameters and compare");
  simulate_command->add_option("--config", simulate->other_config, "the other configuration (TOML)")
      ->required();
  simulate_command->add_option("--until", simulate->until, "replay up to this business time");
  simulate_command->add_option("--format", simulate->format, "table or json");
  on_run(simulate_command, globals, exit_code,
         [simulate](CliContext& context) { return run_rules_simulate(context, *simulate); });
}

}  // namespace redline::cli
