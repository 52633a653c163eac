// redline-bench: the event store against raw RocksDB on the same machine, in the same run.
//
//   append  EventStore transactions of 1,000 ≈300-byte events (encode, SHA-256 chain,
//           stream index, head; one WriteBatch and one WAL fsync per 1,000; the next batch
//           prepared while the previous one is written, as `submit` does) versus raw
//           WriteBatch puts of the same envelope bytes (1,000 per batch, fsync per batch).
//   replay  reading and decoding every event in position order versus a raw RocksDB scan of
//           the same column family.
//
// Prints one line per figure and the ratios the issues set targets for.
#include <CLI/CLI.hpp>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/event_store.h"
#include "engine/replay.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "events/time.h"
#include "tools/bench/bench_projections.h"
#include "tools/bench/bench_relay.h"
#include "tools/bench/bench_support.h"
#include "tools/bench/bench_rules.h"
#include "tools/bench/bench_submit.h"

namespace redline {
namespace {

using bench::Clock;
using bench::seconds_since;

// Realistic events: a hazard report with Chinese text, spread over many hazard streams.
std::vector<NewEvent> make_events(std::size_t count, std::size_t streams) {
  std::vector<NewEvent> events;
  events.reserve(count);
  const Timestamp start = *parse_instant("2026-06-01T08:00:00Z");
  for (std::size_t i = 0; i < count; ++i) {
    HazardReported data;
    data.hazard_id = "H-" + std::to_string(i % streams);
    data.institution_id = "I-" + std::to_string(i % 997);
    data.county = "C" + std::to_string(i % 13);
    data.category = static_cast<Category>(i % 12);
    data.description = "三楼消防通道堵塞，灭火器过期";
    data.source = HazardSource::spot_check;
    data.inspection_id = "INS-" + std::to_string(i % 101);
    data.evidence = {MediaItem{"evidence.jpg", MediaFormat::jpg, 1920, 1080}};
    NewEvent event;
    event.stream = "hazard-" + data.hazard_id;
    event.data = std::move(data);
    event.occurred_at = Timestamp(start.value() + static_cast<std::int64_t>(i) * 1000);
    event.actor = Actor{"insp-" + std::to_string(i % 50), Role::inspector};
    event.command_id = "cmd-" + std::to_string(i);
    events.push_back(std::move(event));
  }
  return events;
}

// The options both sides share, so the comparison is of the work, not of the tuning.
rocksdb::Options raw_options() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  options.compression = rocksdb::kNoCompression;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  return options;
}

struct Figure {
  double seconds = 0;
  std::size_t events = 0;
  double per_second() const { return events / seconds; }
};

Figure raw_append(const std::string& dir, const std::vector<std::string>& values,
                  std::size_t batch_size) {
  std::filesystem::remove_all(dir);
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(raw_options(), dir, &raw);
  if (!s.ok()) throw std::runtime_error(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  const auto start = Clock::now();
  for (std::size_t first = 0; first < values.size(); first += batch_size) {
    rocksdb::WriteBatch batch;
    const std::size_t end = std::min(values.size(), first + batch_size);
    for (std::size_t i = first; i < end; ++i) {
      batch.Put(layout::log_key(Position(i + 1)), values[i]);
    }
    s = db->Write(write_options, &batch);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  return {seconds_since(start), values.size()};
}

Figure store_append(const std::string& dir, const std::vector<NewEvent>& events,
                    std::size_t batch_size, bool pipelined) {
  std::filesystem::remove_all(dir);
  auto store = EventStore::open(StoreOptions{dir, /*sync=*/true, true});
  if (!store.ok()) throw std::runtime_error(store.status().to_string());
  // As `submit` commits: the next batch is prepared while the previous one is written and
  // fsynced, and a batch counts only once its write is confirmed.
  const auto start = Clock::now();
  std::future<Status> previous;
  for (std::size_t first = 0; first < events.size(); first += batch_size) {
    auto txn = (*store)->begin_transaction();
    const std::size_t end = std::min(events.size(), first + batch_size);
    for (std::size_t i = first; i < end; ++i) {
      auto staged = txn.append(std::span(&events[i], 1), std::nullopt);
      if (!staged.ok()) throw std::runtime_error(staged.status().to_string());
    }
    if (previous.valid()) {
      Status committed = previous.get();
      if (!committed.ok()) throw std::runtime_error(committed.to_string());
    }
    previous = txn.commit_async();
    if (!pipelined) {
      Status committed = previous.get();
      if (!committed.ok()) throw std::runtime_error(committed.to_string());
    }
  }
  if (previous.valid()) {
    Status committed = previous.get();
    if (!committed.ok()) throw std::runtime_error(committed.to_string());
  }
  return {seconds_since(start), events.size()};
}

Figure raw_scan(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, raw_options());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::OpenForReadOnly(raw_options(), dir, descriptors, &handles, &raw);
  if (!s.ok()) throw std::runtime_error(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* log = nullptr;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == layout::kLogFamily) log = handles[i];
  }
  rocksdb::ReadOptions read_options;
  read_options.readahead_size = 2 << 20;
  read_options.fill_cache = false;
  const auto start = Clock::now();
  std::size_t count = 0;
  std::size_t bytes = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options, log));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->key().size() + it->value().size();
      ++count;
    }
  }
  Figure figure{seconds_since(start), count};
  if (bytes == 0 && count > 0) std::cerr << "impossible\n";
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  return figure;
}

Figure store_replay(const std::string& dir) {
  auto store = EventStore::open(StoreOptions{dir, true, false});
  if (!store.ok()) throw std::runtime_error(store.status().to_string());
  const auto start = Clock::now();
  std::size_t count = 0;
  Status replayed = replay(**store, Position(1), [&count](const Envelope&) {
    ++count;
    return true;
  });
  if (!replayed.ok()) throw std::runtime_error(replayed.to_string());
  return {seconds_since(start), count};
}

template <class F>
Figure best_of(int rounds, F run) {
  Figure best;
  for (int i = 0; i < rounds; ++i) {
    Figure figure = run();
    if (i == 0 || figure.seconds < best.seconds) best = figure;
  }
  return best;
}

void print(const std::string& name, const Figure& figure) {
  std::cout << std::left << std::setw(34) << name << std::right << std::setw(12)
            << static_cast<long long>(figure.per_second()) << " events/s  (" << figure.events
            << " in " << std::fixed << std::setprecision(3) << figure.seconds << " s)\n";
}

}  // namespace
}  // namespace redline

int main(int argc, char** argv) {
  using namespace redline;
  CLI::App app{"redline-bench: the event store against raw RocksDB"};
  std::string dir = "build/bench-data";
  std::size_t events = 300'000;
  std::size_t batch = 1'000;
  std::size_t streams = 50'000;
  int rounds = 3;
  std::string only;
  std::string redline_binary;
  int submit_institutions = 80'000;
  int submit_days = 40;
  app.add_option("--dir", dir, "scratch folder (emptied)");
  app.add_option("--events", events, "events per run");
  app.add_option("--batch", batch, "events per WriteBatch / transaction");
  app.add_option("--streams", streams, "distinct streams the events spread over");
  app.add_option("--rounds", rounds, "runs per figure; the best is kept");
  app.add_option("--only", only, "store, submit, projections, as-of, rules or relay (default: all)");
  std::string kafka;
  app.add_option("--kafka", kafka, "a broker for the relay benchmark (skipped without one)");
  std::size_t open_hazards = 1'000'000;
  app.add_option("--open-hazards", open_hazards, "open hazards of the tick benchmark's store");
  app.add_option("--redline", redline_binary, "the redline binary, for end-to-end submit runs");
  app.add_option("--submit-institutions", submit_institutions, "simulated institutions for submit");
  app.add_option("--submit-days", submit_days, "simulated days for submit");
  int projection_days = 460;
  app.add_option("--projection-days", projection_days,
                 "simulated days of the large projections store (460: about 10M events)");
  std::string as_of_store;
  app.add_option("--as-of-store", as_of_store,
                 "with --only as-of: the store to read (built there when absent, then kept)");
  CLI11_PARSE(app, argc, argv);

  if (only == "as-of") {
    return bench::run_as_of_bench(as_of_store.empty() ? dir + "/as-of-store" : as_of_store, rounds) ? 0 : 1;
  }

  if (only.empty() || only == "submit") {
    bench::SubmitBenchOptions submit{dir + "/submit-bench", redline_binary, submit_institutions,
                                     submit_days, rounds};
    if (!bench::run_submit_bench(submit)) return 1;
    std::cout << "\n";
    if (only == "submit") return 0;
  }
  if (only.empty() || only == "rules") {
    bench::RulesBenchOptions rules{dir + "/rules-bench", submit_institutions, submit_days, rounds,
                                   open_hazards};
    if (!bench::run_rules_bench(rules)) return 1;
    std::cout << "\n";
    if (only == "rules") return 0;
  }
  if (only.empty() || only == "relay") {
    if (kafka.empty()) {
      std::cout << "relay: skipped (no --kafka broker)\n\n";
    } else {
      bench::RelayBenchOptions relay{dir + "/relay-bench", kafka};
      if (!bench::run_relay_bench(relay)) return 1;
      std::cout << "\n";
    }
    if (only == "relay") return 0;
  }
  if (only.empty() || only == "projections") {
    if (redline_binary.empty()) {
      std::cerr << "redline-bench: the projections benchmark needs --redline\n";
      return 2;
    }
    bench::ProjectionBenchOptions projections{dir + "/projection-bench", redline_binary,
                                              projection_days, 40, rounds};
    if (!bench::run_projection_bench(projections)) return 1;
    std::cout << "\n";
    if (only == "projections") return 0;
  }
  try {
    std::filesystem::create_directories(dir);
    const auto new_events = make_events(events, streams);
    // The raw side writes exactly the bytes the store writes for the same events.
    std::vector<std::string> values;
    values.reserve(new_events.size());
    Hash prev{};
    std::size_t total_bytes = 0;
    for (std::size_t i = 0; i < new_events.size(); ++i) {
      std::string bytes;
      prev = encode_envelope(new_events[i],
                             CommitStamp{Position(i + 1), StreamVersion(1), now_utc(), prev},
                             &bytes);
      total_bytes += bytes.size();
      values.push_back(std::move(bytes));
    }
    std::cout << "events: " << events << ", mean envelope " << total_bytes / events
              << " bytes, " << batch << " per batch, WAL fsync per batch, " << streams
              << " streams\n\n";

    const std::string raw_dir = dir + "/raw";
    const std::string store_dir = dir + "/store";
    const Figure raw = best_of(rounds, [&] { return raw_append(raw_dir, values, batch); });
    const Figure serial =
        best_of(rounds, [&] { return store_append(store_dir, new_events, batch, false); });
    const Figure ours =
        best_of(rounds, [&] { return store_append(store_dir, new_events, batch, true); });
    print("append: raw RocksDB WriteBatch", raw);
    print("append: EventStore, commit()", serial);
    print("append: EventStore, pipelined", ours);
    std::cout << "append ratio, commit() (store / raw): " << std::setprecision(2)
              << serial.per_second() / raw.per_second() << "\n";
    std::cout << "append ratio, pipelined (store / raw): " << std::setprecision(2)
              << ours.per_second() / raw.per_second() << "  (target >= 0.5)\n\n";

    // Replays take a tenth of a second: more rounds steady the figure.
    const int replay_rounds = std::max(rounds, 7);
    const Figure scan = best_of(replay_rounds, [&] { return raw_scan(store_dir); });
    const Figure replay = best_of(replay_rounds, [&] { return store_replay(store_dir); });
    print("replay: raw RocksDB scan", scan);
    print("replay: read + decode", replay);
    std::cout << "replay ratio (decode / raw scan): " << std::setprecision(2)
              << replay.per_second() / scan.per_second()
              << "  (target >= 0.4, and >= 1,000,000 events/s)\n";
    std::filesystem::remove_all(dir);
  } catch (const std::exception& e) {
    std::cerr << "redline-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
