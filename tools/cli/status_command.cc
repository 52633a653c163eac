// `redline status` and `redline supervision` [--county C] [--institution I] [--state S]
// [--as-of T | --known-at T | --position N] [--format table|json] (SPEC §7): the hazard
// status board, and the listed hazards, read from the hazard_status projection (at a point
// in history through its snapshots). `status --summary` adds counts by state per county.
#include <functional>
#include <iostream>
#include <map>

#include "engine/domain/hazard_status.h"
#include "events/json.h"
#include "tools/cli/commands.h"
#include "tools/cli/read_point.h"
#include "tools/cli/table.h"

namespace redline::cli {
namespace {

struct BoardOptions {
  std::string county;
  std::string institution;
  std::string state;
  std::string format = "table";
  bool summary = false;
  ReadPointOptions point;
};

void print_summary(const HazardBoard& board, const std::function<bool(const HazardState&)>& selected) {
  std::map<std::string, std::map<HazardPhase, int>> by_county;
  for (const auto& [id, s] : board.hazards) {
    if (selected(s)) ++by_county[s.county][s.phase];
  }
  std::vector<std::string> header{"county"};
  for (auto phase : enum_spellings<HazardPhase>()) header.emplace_back(phase);
  header.emplace_back("total");
  Table table(header);
  std::map<HazardPhase, int> totals;
  auto add_row = [&table](const std::string& label, const std::map<HazardPhase, int>& counts) {
    std::vector<std::string> row{label};
    int total = 0;
    for (std::size_t p = 0; p < enum_spellings<HazardPhase>().size(); ++p) {
      auto found = counts.find(static_cast<HazardPhase>(p));
      const int n = found == counts.end() ? 0 : found->second;
      total += n;
      row.push_back(std::to_string(n));
    }
    row.push_back(std::to_string(total));
    table.add(std::move(row));
  };
  for (const auto& [county, counts] : by_county) {
    for (const auto& [phase, n] : counts) totals[phase] += n;
    add_row(county, counts);
  }
  add_row("all", totals);
  table.print(std::cout);
}

int run_board(CliContext& context, const BoardOptions& options, bool listed_only) {
  if (options.format != "table" && options.format != "json") {
    std::cerr << "redline: --format must be table or json, got '" << options.format << "'\n";
    return kExitUsage;
  }
  if (!options.state.empty() && !parse_enum<HazardPhase>(options.state)) {
    std::cerr << "redline: --state '" << options.state << "' is not one of "
              << enum_choices<HazardPhase>() << "\n";
    return kExitUsage;
  }
  auto point = read_point(options.point);
  if (!point.ok()) {
    std::cerr << "redline: " << point.status().message() << "\n";
    return kExitUsage;
  }
  auto opened = open_projections(context, /*catch_up=*/true);
  if (!opened.ok()) return report_error(opened.status());
  // The listed hazards now come from the supervision board; any other read, from the
  // status of every hazard (at the point asked).
  auto board = listed_only && point->kind == ReadPoint::Kind::head
                   ? listed_hazards_now(*opened->projections)
                   : hazard_states_at(*opened->projections, *point);
  if (!board.ok()) return report_error(board.status());

  auto selected = [&](const HazardState& s) {
    return (!listed_only || s.listed.has_value()) &&
           (options.county.empty() || s.county == options.county) &&
           (options.institution.empty() || s.institution_id == options.institution) &&
           (options.state.empty() || to_string(s.phase) == options.state);
  };
  if (options.summary) {
    print_summary(*board, selected);
    return kExitOk;
  }
  if (options.format == "json") {
    Json out;
    out["position"] = board->position.value();
    out["hazards"] = Json::array();
    for (const auto& [id, s] : board->hazards) {
      if (selected(s)) out["hazards"].push_back(hazard_status_json(id, s));
    }
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  Table table({"hazard", "institution", "county", "category", "severity", "state", "escalation",
               "listed", "deadline", "overdue"});
  for (const auto& [id, s] : board->hazards) {
    if (!selected(s)) continue;
    const auto status = hazard_status_json(id, s);
    auto text = [&status](const char* key) {
      const auto& value = status[key];
      return value.is_null() ? std::string("-") : value.is_string() ? value.get<std::string>() : value.dump();
    };
    table.add({id, text("institution_id"), text("county"), text("category"), text("severity"),
               text("state"), text("escalation_level"), text("listed"), text("deadline"),
               s.overdue ? "yes" : "no"});
  }
  table.print(std::cout);
  return kExitOk;
}

CLI::App* add_board(CLI::App& app, const GlobalOptions& globals, int* exit_code, const char* name,
                    const char* description, bool listed_only) {
  auto options = std::make_shared<BoardOptions>();
  auto* command = app.add_subcommand(name, description);
  command->add_option("--county", options->county, "only this county");
  command->add_option("--institution", options->institution, "only this institution");
  command->add_option("--state", options->state, "only hazards in this state");
  command->add_option("--format", options->format, "table or json");
  add_read_point_options(command, &options->point);
  if (!listed_only) command->add_flag("--summary", options->summary, "counts by state per county");
  on_run(command, globals, exit_code, [options, listed_only](CliContext& context) {
    return run_board(context, *options, listed_only);
  });
  return command;
}

}  // namespace

void add_status_command(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  add_board(app, globals, exit_code, "status", "the hazard status board", false);
  add_board(app, globals, exit_code, "supervision", "the hazards listed for supervision", true);
}

}  // namespace redline::cli
