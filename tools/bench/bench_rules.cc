#include "tools/bench/bench_rules.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/domain/submission.h"
#include "engine/event_store.h"
#include "engine/rules/tick.h"
#include "events/time.h"
#include "tools/bench/bench_support.h"
#include "tools/simulator/city_simulator.h"

namespace redline::bench {
namespace {

// Handles `lines` through run_submission into a fresh store: seconds, events appended.
std::pair<double, std::uint64_t> handle(const std::string& path, const std::vector<std::string>& lines,
                                        bool reactive_rules, std::size_t* rejected) {
  auto store = fresh_store(path);
  MemoryLineSource source(lines);
  const auto start = Clock::now();
  const SubmissionTotals totals =
      run_submission(*store, RulesConfig{}, source, [](const std::vector<CommandOutcome>&) {},
                     reactive_rules);
  const double seconds = seconds_since(start);
  if (totals.storage_failed) throw std::runtime_error("a commit failed");
  *rejected = totals.rejected;
  return {seconds, store->head().position.value()};
}

void rules_on_off(const RulesBenchOptions& options) {
  std::vector<std::string> lines;
  SimulationCounts counts;
  SimulationOptions simulation{.seed = 2026, .counties = 12, .institutions = options.institutions,
                               .days = options.days};
  check(simulate_city(simulation, [&lines](const nlohmann::ordered_json& c) { lines.push_back(c.dump()); },
                      &counts));
  std::cout << "rules: " << lines.size() << " simulated commands (" << counts.hazards << " hazards)\n";
  double on = 0, off = 0;
  std::uint64_t on_events = 0, off_events = 0;
  std::size_t on_rejected = 0, off_rejected = 0;
  // Rounds alternate the two sides; the best of each is kept.
  for (int round = 0; round < std::max(1, options.rounds); ++round) {
    auto [off_seconds, off_count] = handle(options.dir + "/off", lines, false, &off_rejected);
    auto [on_seconds, on_count] = handle(options.dir + "/on", lines, true, &on_rejected);
    off = round == 0 ? off_seconds : std::min(off, off_seconds);
    on = round == 0 ? on_seconds : std::min(on, on_seconds);
    off_events = off_count;
    on_events = on_count;
  }
  std::filesystem::remove_all(options.dir + "/off");
  std::filesystem::remove_all(options.dir + "/on");
  std::cout << std::fixed << std::setprecision(3);
  std::cout << "  reactive rules off: " << static_cast<long long>(lines.size() / off) << " commands/s ("
            << off << " s, " << off_events << " events, " << off_rejected << " rejected)\n";
  std::cout << "  reactive rules on:  " << static_cast<long long>(lines.size() / on) << " commands/s ("
            << on << " s, " << on_events << " events, " << on_rejected << " rejected)\n";
  std::cout << std::setprecision(2) << "  rules ratio (on / off): " << off / on << "  (target >= 0.8)\n";
}

// ReportHazard + ClassifyHazard{general} for `count` hazards over 100 days from `base`:
// their deadlines (classification + 7 days) spread evenly over days 7..107.
class OpenHazardLines final : public LineSource {
 public:
  OpenHazardLines(std::size_t count, Timestamp base) : count_(count), base_(base) {}
  std::optional<std::string> next() override {
    if (setup_ < setup_lines_.size()) return setup_lines_[setup_++];
    if (next_ >= 2 * count_) return std::nullopt;
    const std::size_t hazard = next_ / 2;
    const bool classify = next_ % 2 == 1;
    ++next_;
    const std::string id = "H-" + std::to_string(hazard);
    const std::string institution = "I-" + std::to_string(hazard % kInstitutions);
    const Timestamp at(base_.value() + static_cast<std::int64_t>(hazard) * kSpreadMillis /
                                           static_cast<std::int64_t>(count_));
    nlohmann::ordered_json c;
    c["type"] = classify ? "ClassifyHazard" : "ReportHazard";
    if (classify) {
      c["actor"] = {{"id", "city-1"}, {"role", "city_bureau"}};
      c["hazard_id"] = id;
      c["severity"] = "general";
    } else {
      c["actor"] = {{"id", "staff-" + institution}, {"role", "institution_staff"}, {"institution_id", institution}};
      c["hazard_id"] = id;
      c["institution_id"] = institution;
      c["category"] = "fire_safety";
      c["description"] = "灭火器过期";
      c["source"] = "self_inspection";
    }
    c["at"] = format_instant(at);
    return c.dump();
  }
  bool ready() override { return true; }

  static constexpr std::size_t kInstitutions = 1'000;
  static constexpr std::int64_t kSpreadMillis = 100 * kMillisPerDay;

 private:
  std::vector<std::string> make_setup() const {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < kInstitutions; ++i) {
      nlohmann::ordered_json c = {{"type", "RegisterInstitution"},
                                  {"actor", {{"id", "city-1"}, {"role", "city_bureau"}}},
                                  {"institution_id", "I-" + std::to_string(i)},
                                  {"name", "养老院" + std::to_string(i)},
                                  {"kind", "elderly_care"},
                                  {"county", "C" + std::to_string(i % 12)},
                                  {"at", format_instant(base_)}};
      lines.push_back(c.dump());
    }
    return lines;
  }

  std::size_t count_;
  Timestamp base_;
  std::vector<std::string> setup_lines_ = make_setup();
  std::size_t setup_ = 0;
  std::size_t next_ = 0;
};

void tick_over_open_hazards(const RulesBenchOptions& options) {
  const Timestamp base = parse_instant("2026-01-01T00:00:00Z").value();
  const std::string path = options.dir + "/open";
  {
    auto store = fresh_store(path);
    OpenHazardLines source(options.open_hazards, base);
    const auto start = Clock::now();
    const SubmissionTotals totals =
        run_submission(*store, RulesConfig{}, source, [](const std::vector<CommandOutcome>&) {});
    if (totals.rejected > 0 || totals.storage_failed) throw std::runtime_error("building the store failed");
    std::cout << "tick: a store of " << options.open_hazards << " open hazards ("
              << store->head().position.value() << " events, built in " << std::setprecision(1)
              << seconds_since(start) << " s); deadlines spread over 100 days\n";
  }
  auto opened = EventStore::open(StoreOptions{path, true, false});
  if (!opened.ok()) throw std::runtime_error(opened.status().to_string());
  std::unique_ptr<EventStore> store = std::move(opened).value();
  const Timestamp first_deadline(base.value() + 7 * kMillisPerDay);
  // Deadlines fall evenly over 100 days from first_deadline: a tenth of a day past it is
  // 0.1% of the hazards, a day more 1%.
  struct Step {
    const char* label;
    Timestamp now;
  };
  const std::vector<Step> steps = {
      {"none due", Timestamp(first_deadline.value() - 1)},
      {"0.1% due", Timestamp(first_deadline.value() - 1 + kMillisPerDay / 10)},
      {"1% due", Timestamp(first_deadline.value() - 1 + kMillisPerDay / 10 + kMillisPerDay)},
      // The handled items' deletions lie at the front of the index until compaction.
      {"none due, after those", Timestamp(first_deadline.value() + kMillisPerDay / 10 + kMillisPerDay)},
  };
  std::cout << std::setprecision(2);
  for (const Step& step : steps) {
    const auto start = Clock::now();
    auto outcome = run_tick(*store, RulesConfig{}, step.now);
    const double seconds = seconds_since(start);
    check(outcome.status());
    const std::size_t items = outcome->items_handled;
    const std::uint64_t events = outcome->first_position
                                     ? outcome->last_position->value() - outcome->first_position->value() + 1
                                     : 0;
    std::cout << "  tick, " << step.label << ": " << seconds * 1000 << " ms, " << items
              << " due items, " << events << " events";
    if (items > 0) std::cout << " (" << seconds * 1e6 / static_cast<double>(items) << " µs per due item)";
    std::cout << (items == 0 ? "  (target < 50 ms)" : "") << "\n";
  }
  store.reset();
  std::filesystem::remove_all(path);
}

}  // namespace

bool run_rules_bench(const RulesBenchOptions& options) {
  try {
    rules_on_off(options);
    tick_over_open_hazards(options);
    std::filesystem::remove_all(options.dir);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "redline-bench rules: " << e.what() << "\n";
    return false;
  }
}

}  // namespace redline::bench
