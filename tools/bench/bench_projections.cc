#include "tools/bench/bench_projections.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "engine/domain/submission.h"
#include "engine/event_store.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "projections/declarative.h"
#include "projections/hazard_history.h"
#include "projections/projection_store.h"
#include "tools/bench/bench_child.h"
#include "tools/bench/bench_support.h"
#include "tools/simulator/city_simulator.h"

namespace redline::bench {
namespace {

class FileSource final : public LineSource {
 public:
  explicit FileSource(const std::string& path) : in_(path) {}
  std::optional<std::string> next() override {
    std::string line;
    if (!std::getline(in_, line)) return std::nullopt;
    return line;
  }
  bool ready() override { return true; }

 private:
  std::ifstream in_;
};

// A simulated city of `days` days submitted into a fresh store at `path`; returns its head.
Position build_store(const std::string& path, int days) {
  std::filesystem::remove_all(path);
  const std::string commands = path + ".jsonl";
  {
    std::ofstream out(commands);
    SimulationCounts counts;
    SimulationOptions options{.seed = 2026, .counties = 12, .institutions = 80'000, .days = days};
    check(simulate_city(options, [&out](const nlohmann::ordered_json& c) { out << c.dump() << '\n'; },
                        &counts));
  }
  auto store = EventStore::open(StoreOptions{path, /*sync=*/false, true});
  check(store.status());
  FileSource source(commands);
  const auto totals = run_submission(**store, RulesConfig{}, source, [](const auto&) {});
  if (totals.rejected > 0 || totals.storage_failed) throw std::runtime_error("simulated commands were rejected");
  std::filesystem::remove(commands);
  return (*store)->head().position;
}

// The same log read through RocksDB alone: one iterator over the log family, front to
// back, decoding nothing (RocksDB has checksummed each block). What a rebuild cannot beat; its
// rate in the same run says how fast this machine reads right now.
double raw_log_scan_seconds(const std::string& path, std::uint64_t* events, std::uint64_t* bytes) {
  auto store = EventStore::open(StoreOptions{path, false, false});
  check(store.status());
  const auto started = Clock::now();
  rocksdb::ReadOptions read_options;
  read_options.readahead_size = 2 << 20;
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      (*store)->db()->NewIterator(read_options, (*store)->family(layout::kLogFamily)));
  std::uint64_t count = 0, size = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++count;
    size += it->value().size();
  }
  check(it->status().ok() ? Status::Ok() : Status(ErrorCode::storage_error, it->status().ToString()));
  const double seconds = seconds_since(started);
  *events = count;
  *bytes = size;
  return seconds;
}

// "a, b, c s": every round's time, for the figure that keeps the best of them.
std::string each_round(const std::vector<double>& seconds) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(2);
  for (std::size_t i = 0; i < seconds.size(); ++i) out << (i == 0 ? "" : ", ") << seconds[i];
  out << " s";
  return out.str();
}
double best(const std::vector<double>& seconds) { return *std::min_element(seconds.begin(), seconds.end()); }

// An --as-of read a day before the head of the store at `path` against a full rebuild of
// hazard_status, in this process. The machine's speed swings by a third from minute to
// minute, and more: each round pairs a rebuild with the as-of reads right after it (the
// best of three), so both sides of a round's ratio see the same spell, and the figure is
// the median of the rounds' ratios. A round takes about a second, and the three rounds of
// one run spread from 0.074 to 0.127: at least seven rounds. Every round is shown.
void as_of_against_rebuild(const std::string& path, Position head, int rounds) {
  auto store = EventStore::open(StoreOptions{path, false, false});
  check(store.status());
  auto projections = ProjectionStore::open(**store, ProjectionSettings{});
  check(projections.status());
  auto last = (*store)->read(head);
  check(last.status());
  // A day before the last event's business time.
  const Timestamp near_head(last->occurred_at.value() - 86'400'000);
  std::vector<double> rebuilds, as_ofs, ratios;
  std::size_t hazards = 0;
  for (int round = 0; round < std::max(7, rounds); ++round) {
    const auto started = Clock::now();
    check((*projections)->rebuild("hazard_status"));
    rebuilds.push_back(seconds_since(started));
    double as_of = 1e9;
    for (int read = 0; read < 3; ++read) {
      const auto asked = Clock::now();
      auto board = hazard_states_at(**projections, ReadPoint{ReadPoint::Kind::as_of, Position(0), near_head});
      check(board.status());
      as_of = std::min(as_of, seconds_since(asked));
      hazards = board->hazards.size();
    }
    as_ofs.push_back(as_of);
    ratios.push_back(as_of / rebuilds.back());
  }
  std::ostringstream each;
  each << std::fixed;
  for (std::size_t round = 0; round < ratios.size(); ++round) {
    each << (round == 0 ? "" : "; ") << std::setprecision(3) << as_ofs[round] << " / " << rebuilds[round]
         << " s = " << ratios[round];
  }
  std::vector<double> sorted = ratios;  // the median: of an even count, the larger middle one
  std::sort(sorted.begin(), sorted.end());
  std::cout << "  store of " << head.value() << " events, --as-of a day before the head (" << hazards
            << " hazards) against a rebuild of hazard_status: ratio " << std::setprecision(3)
            << sorted[sorted.size() / 2] << ", the median of the rounds (as-of / rebuild: " << each.str()
            << ")  (target <= 0.1)\n";
}

}  // namespace

bool run_projection_bench(const ProjectionBenchOptions& options) {
  try {
    std::cout << std::fixed;
    std::filesystem::create_directories(options.dir);
    // Large store: rebuild and declarative count.
    const std::string large = options.dir + "/large";
    auto started = Clock::now();
    const Position large_head = build_store(large, options.large_days);
    std::cout << "projections: store of " << large_head.value() << " events ("
              << options.large_days << " simulated days, 80,000 institutions) built in "
              << std::setprecision(0) << seconds_since(started) << " s\n";
    {
      // Fold it once, so the rebuild below replaces existing state like a real rebuild. The
      // first fold also pays for the compactions the build left behind (RocksDB resumes them
      // when the store opens): it is shown, not judged.
      const std::vector<std::string> rebuild_command{options.redline_binary, "--data", large, "projection",
                                                    "rebuild", "hazard_status"};
      const auto first = run_child(rebuild_command);
      std::cout << std::setprecision(2) << "  first fold of hazard_status (fresh store, its compactions pending): "
                << first.first << " s, " << static_cast<long long>(large_head.value() / first.first)
                << " events/s\n";
      // The machine's speed swings by a third from minute to minute: the best of the
      // rounds, as every figure of this benchmark, each round shown. Peak RSS is the
      // largest of them. The raw scans alternate with the rebuilds, so both see the same
      // spells.
      std::vector<double> rebuilds, raws;
      long peak = 0;
      std::uint64_t scanned = 0, bytes = 0;
      for (int round = 0; round < std::max(1, options.rounds); ++round) {
        const auto [seconds, round_peak] = run_child(rebuild_command);
        rebuilds.push_back(seconds);
        peak = std::max(peak, round_peak);
        raws.push_back(raw_log_scan_seconds(large, &scanned, &bytes));
      }
      const double seconds = best(rebuilds);
      const double raw = best(raws);
      std::cout << std::setprecision(2) << "  rebuild hazard_status (redline projection rebuild): "
                << seconds << " s, " << static_cast<long long>(large_head.value() / seconds)
                << " events/s, peak RSS " << peak / 1024 << " MiB  (target >= 1,000,000 events/s, < 1 GiB; best of "
                << each_round(rebuilds) << ")\n"
                << "  raw RocksDB scan of the same log (" << scanned << " values, " << bytes / (1 << 20)
                << " MiB, nothing decoded): " << raw
                << " s, " << static_cast<long long>(scanned / raw) << " events/s (best of " << each_round(raws)
                << "); rebuild / raw scan " << std::setprecision(3) << raw / seconds << "x\n";
    }
    {
      auto store = EventStore::open(StoreOptions{large, false, false});
      check(store.status());
      auto definition = parse_declarative(
          "name = \"hazards_by_county\"\nevents = [\"HazardReported\"]\n"
          "group_by = [\"data.county\", \"data.category\"]\nmeasure = \"count\"\n");
      check(definition.status());
      started = Clock::now();
      auto result = run_declarative(**store, *definition);
      check(result.status());
      const double seconds = seconds_since(started);
      std::cout << "  declarative count (HazardReported by county and category, "
                << result->rows.size() << " rows): " << seconds << " s, "
                << static_cast<long long>(large_head.value() / seconds)
                << " events/s  (target >= 1,000,000 events/s)\n";
    }
    std::filesystem::remove_all(large);

    // Smaller store: --as-of near the head against a full rebuild, in this process.
    const std::string small = options.dir + "/small";
    as_of_against_rebuild(small, build_store(small, options.small_days), options.rounds);
    std::filesystem::remove_all(options.dir);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "redline-bench projections: " << e.what() << "\n";
    return false;
  }
}

bool run_as_of_bench(const std::string& store_dir, int rounds) {
  try {
    std::cout << std::fixed << "as-of:\n";
    Position head(0);
    if (std::filesystem::exists(store_dir + "/CURRENT")) {
      auto store = EventStore::open(StoreOptions{store_dir, false, false});
      check(store.status());
      head = (*store)->head().position;
    } else {
      std::filesystem::create_directories(std::filesystem::path(store_dir).parent_path());
      head = build_store(store_dir, ProjectionBenchOptions{}.small_days);
    }
    as_of_against_rebuild(store_dir, head, rounds);
    return true;
  } catch (const std::exception& e) {
    std::cerr << "redline-bench as-of: " << e.what() << "\n";
    return false;
  }
}

}  // namespace redline::bench
