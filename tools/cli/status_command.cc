// `redline status [--county C] [--institution I] [--state S] [--format table|json]
// [--summary]`: the hazard status board (SPEC §7), folded from the whole log.
// (Issue 4 moves this onto the hazard_status projection and adds --as-of/--known-at.)
#include <iostream>
#include <map>

#include "engine/domain/hazard_status.h"
#include "engine/replay.h"
#include "events/json.h"
#include "tools/cli/commands.h"
#include "tools/cli/table.h"

namespace redline::cli {
namespace {

struct StatusOptions {
  std::string county;
  std::string institution;
  std::string state;
  std::string format = "table";
  bool summary = false;
};

int run_status(CliContext& context, const StatusOptions& options) {
  if (options.format != "table" && options.format != "json") {
    std::cerr << "redline: --format must be table or json, got '" << options.format << "'\n";
    return kExitUsage;
  }
  if (!options.state.empty() && !parse_enum<HazardPhase>(options.state)) {
    std::cerr << "redline: --state '" << options.state << "' is not one of "
              << enum_choices<HazardPhase>() << "\n";
    return kExitUsage;
  }
  auto config = context.config();
  if (!config.ok()) return report_error(config.status());
  auto store = context.open_store(/*create=*/false);
  if (!store.ok()) return report_error(store.status());
  const Position head = (*store)->head().position;
  std::map<std::string, HazardState> hazards;
  Status replayed = replay(**store, Position(1), [&](const Envelope& e) {
    if (e.position > head) return false;
    if (e.stream.starts_with("hazard-")) {
      apply(hazards[e.stream.substr(7)], facts_of(e), config->rules);
    }
    return true;
  });
  if (!replayed.ok()) return report_error(replayed);

  auto selected = [&](const HazardState& s) {
    return (options.county.empty() || s.county == options.county) &&
           (options.institution.empty() || s.institution_id == options.institution) &&
           (options.state.empty() || to_string(s.phase) == options.state);
  };

  if (options.summary) {
    std::map<std::string, std::map<HazardPhase, int>> by_county;
    for (const auto& [id, s] : hazards) {
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
    return kExitOk;
  }

  if (options.format == "json") {
    Json out;
    out["position"] = head.value();
    out["hazards"] = Json::array();
    for (const auto& [id, s] : hazards) {
      if (selected(s)) out["hazards"].push_back(hazard_status_json(id, s));
    }
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  Table table({"hazard", "institution", "county", "category", "severity", "state", "escalation",
               "listed", "deadline", "overdue"});
  for (const auto& [id, s] : hazards) {
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

}  // namespace

void add_status_command(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<StatusOptions>();
  auto* status = app.add_subcommand("status", "the hazard status board");
  status->add_option("--county", options->county, "only this county");
  status->add_option("--institution", options->institution, "only this institution");
  status->add_option("--state", options->state, "only hazards in this state");
  status->add_option("--format", options->format, "table or json");
  status->add_flag("--summary", options->summary, "counts by state per county");
  on_run(status, globals, exit_code, [options](CliContext& context) {
    return run_status(context, *options);
  });
}

}  // namespace redline::cli
