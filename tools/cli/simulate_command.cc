// `redline simulate --seed S --counties N --institutions M --days D [--start DATE]`: a
// city's command stream on stdout, deterministic for a seed (tools/simulator/).
#include <iostream>

#include "tools/cli/commands.h"
#include "tools/simulator/city_simulator.h"

namespace redline::cli {

void add_simulate_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<SimulationOptions>();
  auto* simulate = app.add_subcommand("simulate", "write a simulated city's commands (JSON Lines)");
  simulate->add_option("--seed", options->seed, "random seed")->capture_default_str();
  simulate->add_option("--counties", options->counties, "counties")->capture_default_str();
  simulate->add_option("--institutions", options->institutions, "institutions")->capture_default_str();
  simulate->add_option("--days", options->days, "days of the campaign")->capture_default_str();
  simulate->add_option("--start", options->start, "first day, YYYY-MM-DD")->capture_default_str();
  simulate->callback([options, exit_code] {
    std::ios::sync_with_stdio(false);
    SimulationCounts counts;
    Status status = simulate_city(
        *options,
        [](const nlohmann::ordered_json& command) { std::cout << command.dump() << '\n'; },
        &counts);
    std::cout.flush();
    if (!status.ok()) {
      std::cerr << "redline: " << status.message() << "\n";
      *exit_code = kExitUsage;
      return;
    }
    std::cerr << "simulated " << counts.commands << " commands, " << counts.hazards << " hazards\n";
    *exit_code = kExitOk;
  });
}

}  // namespace redline::cli
