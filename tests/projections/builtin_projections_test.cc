// The built-in projections against hand-computed expectations on a small scenario, and
// rebuild equal to incremental maintenance on a simulated city.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <span>

#include <rocksdb/db.h>

#include "engine/domain/submission.h"
#include "engine/replay.h"
#include "engine/store_layout.h"
#include "projections/builtin_projections.h"
#include "projections/hazard_history.h"
#include "projections/projection_store.h"
#include "tests/support/domain_harness.h"
#include "tests/support/sample_events.h"
#include "tools/simulator/city_simulator.h"

namespace redline {
namespace {

using testing::command;
using testing::county;
using testing::inspector_actor;
using testing::json;
using testing::staff;

using testing::evidence;

std::unique_ptr<ProjectionStore> open_caught_up(EventStore& store, std::uint64_t snapshot_every = 50'000) {
  auto projections = ProjectionStore::open(store, ProjectionSettings{snapshot_every});
  EXPECT_TRUE(projections.ok()) << projections.status().to_string();
  Status caught_up = (*projections)->catch_up();
  EXPECT_TRUE(caught_up.ok()) << caught_up.to_string();
  return std::move(projections).value();
}

// Every key and value a projection holds; hazard_status's pre-images one entry each under
// "pre/P ID", and its pack one under "pack/ID", however the writes grouped them into runs
// (a rebuild's pre-images are longer runs than those of commit-by-commit maintenance; a
// pack read on two threads ends a run where the halves meet).
std::map<std::string, std::string> dump(const ProjectionStore& projections, std::string_view name) {
  std::map<std::string, std::string> keys;
  Status scanned = projections.scan(name, "", [&](std::string_view key, std::string_view value) {
    const bool pre_images = key.starts_with(history::kPreImagePrefix);
    if (name != kHazardStatus || (!pre_images && !key.starts_with(history::kPackPrefix))) {
      keys.emplace(std::string(key), std::string(value));
      return true;
    }
    const std::string_view prefix =
        pre_images ? key.substr(0, history::kPreImagePrefix.size() + 8) : history::kPackPrefix;
    history::StateRun run(value);
    std::string_view id, state;
    while (run.next(&id, &state)) {
      std::string one_key = std::string(prefix).append(id);
      EXPECT_TRUE(keys.emplace(std::move(one_key), std::string(state)).second) << "two states of " << id << " under " << prefix;
    }
    EXPECT_FALSE(run.malformed()) << "states under " << key;
    return true;
  });
  EXPECT_TRUE(scanned.ok()) << scanned.to_string();
  return keys;
}

class BuiltinProjections : public ::testing::Test {
 protected:
  // H-1 general at I-1, closed; H-2 major at I-1, classified and listed at city level by
  // the major-listing rule; H-3 at I-9 (XF) dismissed; H-4 general at I-2, classified and
  // listed at county level by the county bureau; a drill at I-2 and a letter to I-1.
  void SetUp() override {
    h.city_with_institutions();
    h.classified_hazard("H-1", "general");
    h.ok(command("SubmitRectification", staff("I-1"), {{"hazard_id", "H-1"}, {"evidence", evidence()}},
                 "2026-06-03T09:00:00Z"));
    h.ok(command("VerifyRectification", inspector_actor(), {{"hazard_id", "H-1"}, {"passed", true}, {"note", "合格"}},
                 "2026-06-03T10:00:00Z"));
    h.ok(command("CloseHazard", county(), {{"hazard_id", "H-1"}}, "2026-06-03T11:00:00Z"));
    h.ok(command("ReportHazard", staff("I-1"),
                 {{"hazard_id", "H-2"}, {"institution_id", "I-1"}, {"category", "gas"},
                  {"description", "燃气管老化"}, {"source", "self_inspection"}}, "2026-06-04T09:00:00Z"));
    json classified = h.ok(command("ClassifyHazard", county(), {{"hazard_id", "H-2"}, {"severity", "major"}},
                                   "2026-06-04T10:00:00Z"));
    EXPECT_EQ(classified["events"],
              json::array({"HazardClassified", "DeadlineSet", "DeadlineSet", "HazardListed"}));
    // Already listed higher, at city level, by the rule: the county bureau cannot list it.
    h.rejected(command("ListHazard", county(), {{"hazard_id", "H-2"}, {"level", "county"}, {"reason", "重大隐患"}},
                       "2026-06-04T11:00:00Z"),
               "invalid_transition");
    h.ok(command("ReportHazard", testing::county("XF", "xf-1"),
                 {{"hazard_id", "H-3"}, {"institution_id", "I-9"}, {"category", "electrical"},
                  {"description", "电线裸露"}, {"source", "spot_check"}}, "2026-06-05T09:00:00Z"));
    h.ok(command("DismissHazard", testing::county("XF", "xf-1"), {{"hazard_id", "H-3"}, {"reason", "误报"}},
                 "2026-06-05T10:00:00Z"));
    h.ok(command("ReportHazard", staff("I-2", "staff-2"),
                 {{"hazard_id", "H-4"}, {"institution_id", "I-2"}, {"category", "electrical"},
                  {"description", "配电箱无防护"}, {"source", "self_inspection"}}, "2026-06-06T09:00:00Z"));
    h.ok(command("ClassifyHazard", county(), {{"hazard_id", "H-4"}, {"severity", "general"}},
                 "2026-06-06T10:00:00Z"));
    h.ok(command("ListHazard", county(), {{"hazard_id", "H-4"}, {"level", "county"}, {"reason", "群众反映强烈"}},
                 "2026-06-06T11:00:00Z"));
    h.ok(command("RecordDrill", staff("I-2", "staff-2"),
                 {{"drill_id", "D-1"}, {"institution_id", "I-2"}, {"kind", "fire_drill"},
                  {"held_on", "2026-06-05"}, {"instructor", "firefighter"}, {"participants", 30}}));
    h.ok(command("SignResponsibilityLetter", county(),
                 {{"letter_id", "L-1"}, {"from_unit", "U-LT"}, {"to_unit", "I-1"}, {"scope", "消防安全"},
                  {"signed_on", "2026-06-01"}}));
  }
  testing::DomainHarness h;
};

TEST_F(BuiltinProjections, HazardStatusHoldsEachHazardsState) {
  auto projections = open_caught_up(h.store());
  auto board = hazard_states_at(*projections, ReadPoint{});
  ASSERT_TRUE(board.ok()) << board.status().to_string();
  EXPECT_EQ(board->position, h.store().head().position);
  ASSERT_EQ(board->hazards.size(), 4u);
  const HazardState& h1 = board->hazards.at("H-1");
  EXPECT_EQ(h1.phase, HazardPhase::closed);
  EXPECT_EQ(h1.severity, Severity::general);
  EXPECT_EQ(h1.county, "LT");
  EXPECT_EQ(h1.rectification_deadline, testing::at("2026-06-09T10:00:00Z"));  // classified + 7 days
  EXPECT_FALSE(h1.active_deadline().has_value());  // closed
  const HazardState& h2 = board->hazards.at("H-2");
  EXPECT_EQ(h2.phase, HazardPhase::classified);
  EXPECT_EQ(h2.listed, ListingLevel::city);
  EXPECT_EQ(h2.escalation, EscalationLevel::city);
  EXPECT_EQ(h2.category, Category::gas);
  EXPECT_EQ(h2.plan_deadline, testing::at("2026-06-07T10:00:00Z"));  // classified + 3 days
  EXPECT_EQ(h2.rectification_deadline, testing::at("2026-09-02T10:00:00Z"));  // + 90 days
  EXPECT_EQ(h2.rectification_limit, testing::at("2026-09-02T10:00:00Z"));
  EXPECT_EQ(h2.active_deadline(), testing::at("2026-06-07T10:00:00Z"));  // no plan yet
  EXPECT_EQ(board->hazards.at("H-3").phase, HazardPhase::dismissed);
  const HazardState& h4 = board->hazards.at("H-4");
  EXPECT_EQ(h4.phase, HazardPhase::classified);
  EXPECT_EQ(h4.severity, Severity::general);
  EXPECT_EQ(h4.listed, ListingLevel::county);
  EXPECT_EQ(h4.escalation, EscalationLevel::county);
  EXPECT_EQ(h4.active_deadline(), testing::at("2026-06-13T10:00:00Z"));
}

TEST_F(BuiltinProjections, SupervisionBoardHoldsListedHazardsOnly) {
  auto projections = open_caught_up(h.store());
  auto keys = dump(*projections, kSupervisionBoard);
  EXPECT_EQ(keys, (std::map<std::string, std::string>{{"l/H-2", "city"}, {"l/H-4", "county"}}));
  auto listed = listed_hazards_now(*projections);
  ASSERT_TRUE(listed.ok()) << listed.status().to_string();
  ASSERT_EQ(listed->hazards.size(), 2u);
  EXPECT_EQ(listed->hazards.at("H-2").listed, ListingLevel::city);
  EXPECT_EQ(listed->hazards.at("H-4").listed, ListingLevel::county);
  EXPECT_EQ(listed->position, h.store().head().position);
}

TEST_F(BuiltinProjections, InstitutionScorecardCountsPerInstitution) {
  auto projections = open_caught_up(h.store());
  auto i1 = projections->get(kInstitutionScorecard, "i/I-1");
  ASSERT_TRUE(i1.ok() && i1->has_value());
  auto card = decode_scorecard(**i1);
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->open, 1);  // H-2
  EXPECT_EQ(card->closed, 1);  // H-1
  EXPECT_EQ(card->overdue, 0);
  EXPECT_EQ(card->letters, 1);
  EXPECT_EQ(card->drills, 0);
  auto i2 = decode_scorecard(**projections->get(kInstitutionScorecard, "i/I-2"));
  EXPECT_EQ(i2->drills, 1);
  EXPECT_EQ(i2->open, 1);  // H-4
  EXPECT_EQ(i2->closed, 0);
  EXPECT_EQ(i2->letters, 0);
  auto i9 = decode_scorecard(**projections->get(kInstitutionScorecard, "i/I-9"));
  EXPECT_EQ(i9->open, 0);  // dismissed is not open
  EXPECT_EQ(i9->closed, 0);
}

TEST_F(BuiltinProjections, CountySummaryCountsAndRates) {
  auto projections = open_caught_up(h.store());
  auto lt = decode_county_summary(**projections->get(kCountySummary, "c/LT"));
  ASSERT_TRUE(lt.ok());
  EXPECT_EQ(lt->hazards, 3);
  EXPECT_EQ(lt->dismissed, 0);
  EXPECT_EQ(lt->closed, 1);
  EXPECT_EQ(lt->closed_on_time, 1);
  EXPECT_EQ(lt->by_state, (std::map<std::string, std::int64_t>{{"classified", 2}, {"closed", 1}}));
  EXPECT_EQ(lt->by_severity, (std::map<std::string, std::int64_t>{{"general", 2}, {"major", 1}}));
  EXPECT_EQ(lt->by_category,
            (std::map<std::string, std::int64_t>{{"electrical", 1}, {"fire_safety", 1}, {"gas", 1}}));
  EXPECT_DOUBLE_EQ(*lt->rectification_rate(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*lt->on_time_rate(), 1.0);
  auto xf = decode_county_summary(**projections->get(kCountySummary, "c/XF"));
  EXPECT_EQ(xf->dismissed, 1);
  EXPECT_EQ(xf->by_severity, (std::map<std::string, std::int64_t>{{"unclassified", 1}}));
  EXPECT_FALSE(xf->rectification_rate().has_value());
  EXPECT_FALSE(xf->on_time_rate().has_value());
}

TEST_F(BuiltinProjections, CheckpointsFollowTheHeadAndLagShowsNewEvents) {
  auto projections = open_caught_up(h.store());
  for (const auto& info : projections->list()) {
    EXPECT_EQ(info.position, h.store().head().position) << info.name;
    EXPECT_EQ(info.lag, 0u) << info.name;
  }
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-2"}, {"note", "进行中"}}));
  for (const auto& info : projections->list()) EXPECT_EQ(info.lag, 1u) << info.name;
  ASSERT_TRUE(projections->catch_up().ok());
  for (const auto& info : projections->list()) EXPECT_EQ(info.lag, 0u) << info.name;
}

// The commands of a small simulated city (3 counties, 60 institutions, 20 days), one JSON
// line each.
std::vector<std::string> small_city_commands() {
  std::vector<std::string> lines;
  SimulationCounts counts;
  EXPECT_TRUE(simulate_city(SimulationOptions{.seed = 7, .counties = 3, .institutions = 60, .days = 20},
                            [&](const nlohmann::ordered_json& c) { lines.push_back(c.dump()); }, &counts)
                  .ok());
  return lines;
}

// Builds a simulated city's projections incrementally, then rebuilds each and expects the
// same keys; returns the four projections' keys.
std::vector<std::map<std::string, std::string>> rebuild_equals_incremental(
    const ProjectionSettings& settings) {
  testing::TempDir dir;
  auto opened = EventStore::open(StoreOptions{dir.sub("store"), false, true});
  EXPECT_TRUE(opened.ok());
  EventStore& store = **opened;
  const std::vector<std::string> lines = small_city_commands();
  // Incremental: commands in slices, the projections caught up after each.
  auto projections = ProjectionStore::open(store, settings).value();
  std::vector<std::map<std::string, std::string>> all_keys;
  const std::size_t slice = lines.size() / 5 + 1;
  for (std::size_t first = 0; first < lines.size(); first += slice) {
    const std::span<const std::string> part(lines.data() + first, std::min(slice, lines.size() - first));
    MemoryLineSource source(part);
    auto totals = run_submission(store, RulesConfig{}, source, [](const auto&) {});
    EXPECT_EQ(totals.rejected, 0u);
    EXPECT_TRUE(projections->catch_up().ok());
  }
  for (std::string_view name : {kHazardStatus, kSupervisionBoard, kInstitutionScorecard, kCountySummary}) {
    const auto incremental = dump(*projections, name);
    EXPECT_GT(incremental.size(), 0u) << name;
    EXPECT_TRUE(projections->rebuild(name).ok()) << name;
    EXPECT_EQ(dump(*projections, name), incremental) << name;
    all_keys.push_back(incremental);
  }
  // The board's listed hazards are exactly the listed ones of hazard_status.
  auto all = hazard_states_at(*projections, ReadPoint{});
  auto listed = listed_hazards_now(*projections);
  EXPECT_TRUE(all.ok() && listed.ok());
  std::vector<std::string> expected_listed;
  for (const auto& [id, state] : all->hazards) {
    if (state.listed) expected_listed.push_back(id);
  }
  std::vector<std::string> listed_ids;
  for (const auto& [id, state] : listed->hazards) listed_ids.push_back(id);
  EXPECT_EQ(listed_ids, expected_listed);
  EXPECT_FALSE(listed_ids.empty());
  // A fresh runner on the same store sees the same checkpoints and needs nothing.
  auto reopened = ProjectionStore::open(store, settings).value();
  for (const auto& info : reopened->list()) EXPECT_EQ(info.lag, 0u) << info.name;
  return all_keys;
}

TEST(ProjectionRebuild, EqualsIncrementalMaintenanceOnASimulatedCity) {
  rebuild_equals_incremental(ProjectionSettings{97});
}

// Every write ingested as SST files (what a rebuild of a large store does) gives the
// same projections as writes through the memtable.
TEST(ProjectionRebuild, IngestedWritesEqualPlainWrites) {
  const auto plain = rebuild_equals_incremental(ProjectionSettings{97});
  const auto ingested = rebuild_equals_incremental(ProjectionSettings{97, 1});
  ASSERT_EQ(ingested.size(), 4u);
  EXPECT_EQ(ingested, plain);
}

// The pack derived on two threads, each reading half of the states (split however small
// the store), holds the same states as one derived on one.
TEST(ProjectionRebuild, APackDerivedOnTwoThreadsEqualsOneDerivedOnOne) {
  const auto plain = rebuild_equals_incremental(ProjectionSettings{97});
  ProjectionSettings split{97};
  split.split_reads_from_bytes = 0;
  EXPECT_EQ(rebuild_equals_incremental(split), plain);
}

// Folds written every 50 events, each batch in the background while the next one fills,
// with state caches so small that states are dropped between writes and read back while
// the write holding them is still under way.
TEST(ProjectionRebuild, BackgroundWritesAndSmallCachesEqualPlainWrites) {
  const auto plain = rebuild_equals_incremental(ProjectionSettings{97});
  for (std::uint64_t ingest_from : {1u, 1'000'000u}) {
    ProjectionSettings settings{97, ingest_from};
    settings.events_per_write = 50;
    settings.state_cache_entries = 8;
    EXPECT_EQ(rebuild_equals_incremental(settings), plain) << "ingesting from " << ingest_from << " keys";
  }
}

// A write keeps its pre-images of a snapshot in runs of up to kStatesPerRun, in id order
// under the first one's key: a rebuild writes far fewer entries than it has pre-images.
TEST(ProjectionRebuild, WritesPreImagesInRunsUnderTheirFirstKey) {
  testing::TempDir dir;
  auto opened = EventStore::open(StoreOptions{dir.sub("store"), false, true});
  ASSERT_TRUE(opened.ok());
  const std::vector<std::string> lines = small_city_commands();
  MemoryLineSource source(lines);
  EXPECT_EQ(run_submission(**opened, RulesConfig{}, source, [](const auto&) {}).rejected, 0u);
  auto projections = ProjectionStore::open(**opened, ProjectionSettings{1'000}).value();
  ASSERT_TRUE(projections->rebuild(kHazardStatus).ok());

  std::size_t runs = 0, pre_images = 0, longest = 0;
  const Status scanned = projections->scan(kHazardStatus, history::kPreImagePrefix,
                                           [&](std::string_view key, std::string_view value) {
    ++runs;
    history::StateRun run(value);
    std::string_view id, state, previous;
    std::size_t length = 0;
    while (run.next(&id, &state)) {
      if (length == 0) {
        EXPECT_EQ(key.substr(history::kPreImagePrefix.size() + 8), id);
      } else {
        EXPECT_LT(previous, id);
      }
      EXPECT_TRUE(decode_hazard_state(state).ok()) << id;
      previous = id;
      ++length;
    }
    EXPECT_FALSE(run.malformed()) << key;
    pre_images += length;
    longest = std::max(longest, length);
    return true;
  });
  ASSERT_TRUE(scanned.ok()) << scanned.to_string();
  EXPECT_EQ(longest, history::kStatesPerRun);
  EXPECT_GT(pre_images, 4 * runs) << runs << " runs";
}

// The pack: every hazard's state at the last snapshot, in runs of kStatesPerRun in id order
// (all full but where the two threads' halves end), each under its first id; written by the
// rebuild, and again by a catch-up that took a newer snapshot, never by one that did not.
TEST(ProjectionRebuild, PacksEveryHazardAtTheLastSnapshotInRuns) {
  testing::TempDir dir;
  auto opened = EventStore::open(StoreOptions{dir.sub("store"), false, true});
  ASSERT_TRUE(opened.ok());
  const std::vector<std::string> lines = small_city_commands();
  constexpr std::size_t kLater = 150;  // commands committed after the rebuild, one at a time
  ASSERT_GT(lines.size(), 2 * kLater);
  const std::span<const std::string> all(lines);
  auto submit = [&](std::span<const std::string> part) {
    MemoryLineSource source(part);
    EXPECT_EQ(run_submission(**opened, RulesConfig{}, source, [](const auto&) {}).rejected, 0u);
  };
  submit(all.first(lines.size() - kLater));
  ProjectionSettings settings{100};
  settings.split_reads_from_bytes = 0;  // the pack derived on two threads, however few the states
  auto projections = ProjectionStore::open(**opened, settings).value();
  ASSERT_TRUE(projections->rebuild(kHazardStatus).ok());

  auto stored_position = [&](std::string_view key) {
    auto stored = projections->get(kHazardStatus, key);
    EXPECT_TRUE(stored.ok() && stored->has_value()) << key;
    return Position(layout::read_u64_be(stored.ok() ? stored->value_or("") : "").value_or(0));
  };
  // The pack as id → encoded state, checking its layout.
  auto read_pack = [&] {
    std::map<std::string, std::string> packed;
    std::vector<std::size_t> lengths;
    const Status scanned = projections->scan(kHazardStatus, history::kPackPrefix,
                                             [&](std::string_view key, std::string_view value) {
      history::StateRun run(value);
      std::string_view id, state;
      std::size_t length = 0;
      while (run.next(&id, &state)) {
        if (length == 0) {
          EXPECT_EQ(key.substr(history::kPackPrefix.size()), id);
        }
        if (!packed.empty()) {
          EXPECT_LT(packed.rbegin()->first, id);
        }
        packed.emplace(id, state);
        ++length;
      }
      EXPECT_FALSE(run.malformed()) << key;
      lengths.push_back(length);
      return true;
    });
    EXPECT_TRUE(scanned.ok()) << scanned.to_string();
    // Full runs but for the last of each half.
    EXPECT_GT(lengths.size(), 2u);
    EXPECT_LE(std::count_if(lengths.begin(), lengths.end(), [](std::size_t length) { return length < history::kStatesPerRun; }), 2);
    EXPECT_LE(*std::max_element(lengths.begin(), lengths.end()), history::kStatesPerRun);
    return packed;
  };
  auto pack_keys = [&] {
    std::map<std::string, std::string> keys;
    EXPECT_TRUE(projections->scan(kHazardStatus, history::kPackPrefix, [&](std::string_view key, std::string_view value) {
      keys.emplace(key, value);
      return true;
    }).ok());
    return keys;
  };
  // Every hazard's state at `position`, by folding the log.
  auto folded_at = [&](Position position) {
    std::map<std::string, HazardState> hazards;
    EXPECT_TRUE(replay(**opened, Position(1), [&](const Envelope& e) {
      if (e.position > position) return false;
      if (e.stream.starts_with(kHazardStreamPrefix)) apply(hazards[e.stream.substr(kHazardStreamPrefix.size())], facts_of(e));
      return true;
    }).ok());
    std::map<std::string, std::string> encoded;
    for (const auto& [id, state] : hazards) encoded.emplace(id, encode_hazard_state(state));
    return encoded;
  };

  // The rebuild packed its last snapshot, after which hazards changed and were reported:
  // those changed are packed as they were, those reported left out.
  Position snapshot = stored_position(history::kLastSnapshotKey);
  ASSERT_GT(snapshot, Position(0));
  EXPECT_EQ(stored_position(history::kPackedAtKey), snapshot);
  const auto at_snapshot = folded_at(snapshot);
  const auto now = folded_at((*opened)->head().position);
  ASSERT_GT(now.size(), at_snapshot.size()) << "no hazard reported after the snapshot";
  ASSERT_TRUE(std::any_of(at_snapshot.begin(), at_snapshot.end(),
                          [&](const auto& hazard) { return now.at(hazard.first) != hazard.second; }))
      << "no hazard changed after the snapshot";
  EXPECT_EQ(read_pack(), at_snapshot);

  // Each later command's catch-up either took no snapshot and left the pack as it was, or
  // took one and packed it.
  int kept = 0, moved = 0;
  for (std::size_t line = lines.size() - kLater; line < lines.size(); ++line) {
    const auto before = pack_keys();
    submit(all.subspan(line, 1));
    ASSERT_TRUE(projections->catch_up().ok());
    const Position last = stored_position(history::kLastSnapshotKey);
    EXPECT_EQ(stored_position(history::kPackedAtKey), last);
    if (last == snapshot) {
      EXPECT_EQ(pack_keys(), before) << "line " << line;
      ++kept;
    } else {
      EXPECT_EQ(read_pack(), folded_at(last)) << "line " << line;
      snapshot = last;
      ++moved;
    }
  }
  EXPECT_GT(kept, 0);
  EXPECT_GT(moved, 0);

  // Written again over itself (its record lost, as in a crash before the write): the same
  // states, none of its runs taken for a stale one. (Where the two threads' halves meet
  // follows RocksDB's size estimates, which may have moved: the runs' keys can differ.)
  const auto packed = read_pack();
  rocksdb::DB* db = (*opened)->db();
  ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), (*opened)->family(layout::kProjectionsFamily),
                         projection_key(kHazardStatus, history::kPackedAtKey)).ok());
  ASSERT_TRUE(projections->catch_up().ok());
  EXPECT_EQ(stored_position(history::kPackedAtKey), snapshot);
  EXPECT_EQ(read_pack(), packed);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST_F(BuiltinProjections, AProjectionStoredInAnotherFormatIsRebuiltOnOpen) {
  auto projections = open_caught_up(h.store());
  const auto before = dump(*projections, kHazardStatus);
  projections.reset();
  // As if an older build had written it: same position, another format version.
  std::string checkpoint;
  layout::append_u64_be(&checkpoint, h.store().head().position.value());
  layout::append_u64_be(&checkpoint, 99);
  ASSERT_TRUE(h.store().db()->Put(rocksdb::WriteOptions(), h.store().family(layout::kMetaFamily),
                                  std::string("projection\0hazard_status", 24), checkpoint).ok());
  auto reopened = ProjectionStore::open(h.store(), ProjectionSettings{}).value();
  for (const auto& info : reopened->list()) {
    if (info.name == kHazardStatus) {
      EXPECT_EQ(info.position, Position(0));
    }
  }
  EXPECT_TRUE(dump(*reopened, kHazardStatus).empty());
  ASSERT_TRUE(reopened->catch_up().ok());
  EXPECT_EQ(dump(*reopened, kHazardStatus), before);
}

TEST_F(BuiltinProjections, AMalformedCheckpointIsCorruption) {
  auto projections = open_caught_up(h.store());
  projections.reset();
  ASSERT_TRUE(h.store().db()->Put(rocksdb::WriteOptions(), h.store().family(layout::kMetaFamily),
                                  std::string("projection\0county_summary", 25), "xyz").ok());
  auto reopened = ProjectionStore::open(h.store(), ProjectionSettings{});
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), ErrorCode::corruption);
  EXPECT_NE(reopened.status().message().find("county_summary"), std::string::npos);
}

}  // namespace
}  // namespace redline
