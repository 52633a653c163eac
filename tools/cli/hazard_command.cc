// `redline hazard ID [--format json] [--as ROLE[:SCOPE]] [--as-of T | --known-at T |
// --position N]`: one hazard's state and trail (each event with its position, time, actor,
// and for rule events the rule and the event that caused it), at a point in history when
// asked: the state folds only the events the point includes, and the trail lists them.
#include <iostream>

#include "engine/domain/hazard_status.h"
#include "engine/domain/visibility.h"
#include "events/json.h"
#include "events/time.h"
#include "tools/cli/commands.h"
#include "tools/cli/event_output.h"
#include "tools/cli/read_point.h"

namespace redline::cli {
namespace {

struct HazardOptions {
  std::string id;
  std::string format = "human";
  std::string as;
  ReadPointOptions point;
};

bool included(const Envelope& e, const ReadPoint& point) {
  switch (point.kind) {
    case ReadPoint::Kind::head: return true;
    case ReadPoint::Kind::position: return e.position <= point.position;
    case ReadPoint::Kind::as_of: return e.occurred_at <= point.time;
    case ReadPoint::Kind::known_at: return e.recorded_at <= point.time;
  }
  return true;
}

int run_hazard(CliContext& context, const HazardOptions& options) {
  if (options.format != "human" && options.format != "table" && options.format != "json") {
    std::cerr << "redline: --format must be human or json, got '" << options.format << "'\n";
    return kExitUsage;
  }
  auto viewer = viewer_option(options.as);
  if (!viewer.ok()) {
    std::cerr << "redline: " << viewer.status().message() << "\n";
    return kExitUsage;
  }
  auto point = read_point(options.point);
  if (!point.ok()) {
    std::cerr << "redline: " << point.status().message() << "\n";
    return kExitUsage;
  }
  auto config = context.config();
  if (!config.ok()) return report_error(config.status());
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  auto trail = load_hazard(**store, options.id);
  if (!trail.ok()) return report_error(trail.status());
  if (point->kind != ReadPoint::Kind::head) {
    std::erase_if(trail->events, [&](const Envelope& e) { return !included(e, *point); });
    if (trail->events.empty()) {
      return report_error(Status(ErrorCode::not_found,
                                 "hazard " + options.id + " was not reported by then"));
    }
    trail->state = HazardState{};
    for (const Envelope& e : trail->events) apply(trail->state, facts_of(e));
  }
  VisibilityFilter filter(**store, *viewer);

  const auto status = hazard_status_json(options.id, trail->state);
  if (options.format == "json") {
    Json out;
    out["hazard"] = status;
    out["events"] = Json::array();
    for (auto& event : trail->events) {
      auto admitted = filter.admit(event);
      if (!admitted.ok()) return report_error(admitted.status());
      if (*admitted) out["events"].push_back(envelope_to_json(event));
    }
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  std::cout << "hazard " << options.id << "  " << status["state"].get<std::string>() << "\n";
  for (const auto& [key, value] : status.items()) {
    if (key == "hazard_id" || key == "state") continue;
    std::cout << "  " << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump())
              << "\n";
  }
  std::cout << "trail:\n";
  for (auto& event : trail->events) {
    auto admitted = filter.admit(event);
    if (!admitted.ok()) return report_error(admitted.status());
    if (*admitted) print_event(std::cout, event, EventFormat::human);
  }
  return kExitOk;
}

}  // namespace

void add_hazard_command(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<HazardOptions>();
  auto* hazard = app.add_subcommand("hazard", "one hazard's state and trail");
  hazard->add_option("id", options->id, "hazard id")->required();
  hazard->add_option("--format", options->format, "human or json");
  hazard->add_option("--as", options->as, "read as ROLE[:SCOPE]");
  add_read_point_options(hazard, &options->point);
  on_run(hazard, globals, exit_code, [options](CliContext& context) {
    return run_hazard(context, *options);
  });
}

}  // namespace redline::cli
