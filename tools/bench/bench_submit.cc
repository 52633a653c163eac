#include "tools/bench/bench_submit.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iomanip>
#include <iostream>
#include <vector>

#include "engine/domain/submission.h"
#include "engine/event_store.h"
#include "engine/replay.h"
#include "tools/bench/bench_child.h"
#include "tools/bench/bench_support.h"
#include "tools/simulator/city_simulator.h"

namespace redline::bench {
namespace {

// The command path exactly as `submit` runs it (run_submission), results rendered as lines.
double handle_commands(const std::string& path, const std::vector<std::string>& lines,
                       std::size_t* rejected) {
  auto store = fresh_store(path);
  MemoryLineSource source(lines);
  std::size_t output_bytes = 0;
  const auto start = Clock::now();
  const SubmissionTotals totals =
      run_submission(*store, RulesConfig{}, source, [&output_bytes](const std::vector<CommandOutcome>& results) {
        for (const auto& result : results) output_bytes += result.json.size() + 1;
      });
  const double seconds = seconds_since(start);
  if (totals.storage_failed) throw std::runtime_error("a commit failed");
  *rejected = totals.rejected;
  if (output_bytes == 0) std::cerr << "no output\n";
  return seconds;
}

// The events the commands produced, grouped per command, as a writer would hand them over.
std::vector<std::vector<NewEvent>> produced_events(const std::string& path) {
  auto store = EventStore::open(StoreOptions{path, true, false});
  if (!store.ok()) throw std::runtime_error(store.status().to_string());
  std::vector<std::vector<NewEvent>> commands;
  check(replay(**store, Position(1), [&commands](const Envelope& e) {
    NewEvent event{e.stream, e.data, e.occurred_at, e.actor, e.command_id, e.caused_by, e.rule};
    if (commands.empty() || !e.command_id || commands.back().front().command_id != e.command_id) {
      commands.emplace_back();
    }
    commands.back().push_back(std::move(event));
    return true;
  }));
  return commands;
}

double append_directly(const std::string& path, const std::vector<std::vector<NewEvent>>& commands) {
  auto store = fresh_store(path);
  const auto start = Clock::now();
  std::future<Status> previous;
  for (std::size_t first = 0; first < commands.size(); first += 1000) {
    auto txn = store->begin_transaction();
    for (std::size_t i = first; i < std::min(commands.size(), first + 1000); ++i) {
      auto staged = txn.append(commands[i], std::nullopt);
      if (!staged.ok()) throw std::runtime_error(staged.status().to_string());
    }
    if (previous.valid()) check(previous.get());
    previous = txn.commit_async();
  }
  check(previous.get());
  return seconds_since(start);
}

std::vector<std::string> simulate(int institutions, int days, SimulationCounts* counts) {
  std::vector<std::string> lines;
  SimulationOptions options{.seed = 2026, .counties = 12, .institutions = institutions, .days = days};
  check(simulate_city(options, [&lines](const nlohmann::ordered_json& c) { lines.push_back(c.dump()); },
                      counts));
  return lines;
}

}  // namespace

bool run_submit_bench(const SubmitBenchOptions& options) {
  try {
    SimulationCounts counts;
    const auto lines = simulate(options.institutions, options.days, &counts);
    std::cout << "submit: " << lines.size() << " simulated commands (" << counts.hazards
              << " hazards; 12 counties, " << options.institutions << " institutions, "
              << options.days << " days)\n";
    // Rounds alternate the two sides, so a slow spell of the machine (or the kernel
    // writing back the previous store) weighs on both; the best of each is kept.
    std::size_t rejected = 0;
    double handling = 0;
    double direct = 0;
    std::size_t events = 0;
    for (int round = 0; round < std::max(1, options.rounds); ++round) {
      rejected = 0;
      const double handled = handle_commands(options.dir + "/submit", lines, &rejected);
      handling = round == 0 ? handled : std::min(handling, handled);
      const auto commands = produced_events(options.dir + "/submit");
      events = 0;
      for (const auto& c : commands) events += c.size();
      const double appended = append_directly(options.dir + "/direct", commands);
      direct = round == 0 ? appended : std::min(direct, appended);
    }
    std::cout << std::fixed << std::setprecision(3);
    std::cout << "  command handling: " << static_cast<long long>(lines.size() / handling)
              << " commands/s (" << handling << " s, " << rejected << " rejected)\n";
    std::cout << "  direct append of the same " << events << " events: "
              << static_cast<long long>(events / direct) << " events/s, "
              << static_cast<long long>(lines.size() / direct) << " commands/s (" << direct << " s)\n";
    std::cout << std::setprecision(2) << "  submit ratio (handling / direct): " << direct / handling
              << "  (target >= 0.4)\n";
    if (!options.redline_binary.empty()) {
      for (int fraction : {4, 1}) {
        const std::size_t n = lines.size() / static_cast<std::size_t>(fraction);
        const std::string input = options.dir + "/commands.jsonl";
        {
          std::ofstream out(input);
          for (std::size_t i = 0; i < n; ++i) out << lines[i] << '\n';
        }
        std::filesystem::remove_all(options.dir + "/binary");
        auto [seconds, rss] =
            run_child({options.redline_binary, "--data", options.dir + "/binary", "submit", input});
        std::cout << std::setprecision(3) << "  redline submit of " << n << " commands: " << seconds
                  << " s, " << static_cast<long long>(n / seconds) << " commands/s, peak RSS "
                  << rss / 1024 << " MiB\n";
      }
    }
    std::filesystem::remove_all(options.dir);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "redline-bench submit: " << e.what() << "\n";
    return false;
  }
}

}  // namespace redline::bench
