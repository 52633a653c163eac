// --position, --known-at and --as-of reads: each on a case where they differ, and the
// snapshot path equal to a full fold of the log at every point.
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/replay.h"
#include "engine/store_layout.h"
#include "events/time.h"
#include "projections/builtin_projections.h"
#include "projections/hazard_history.h"
#include "tests/support/domain_harness.h"

namespace redline {
namespace {

using testing::command;
using testing::county;
using testing::json;
using testing::staff;

// The answer by brute force: fold the whole log, keeping the events the point includes.
std::map<std::string, HazardState> fold_log(const EventStore& store, const ReadPoint& point) {
  std::map<std::string, HazardState> hazards;
  EXPECT_TRUE(replay(store, Position(1), [&](const Envelope& e) {
    bool included = true;
    if (point.kind == ReadPoint::Kind::position) included = e.position <= point.position;
    if (point.kind == ReadPoint::Kind::as_of) included = e.occurred_at <= point.time;
    if (point.kind == ReadPoint::Kind::known_at) included = e.recorded_at <= point.time;
    if (included && e.stream.starts_with("hazard-")) {
      apply(hazards[e.stream.substr(7)], facts_of(e));
    }
    return true;
  }).ok());
  return hazards;
}

void expect_same(const std::map<std::string, HazardState>& expected, const HazardBoard& board,
                 const std::string& what) {
  ASSERT_EQ(board.hazards.size(), expected.size()) << what;
  for (const auto& [id, state] : expected) {
    auto found = board.hazards.find(id);
    ASSERT_NE(found, board.hazards.end()) << what << ": " << id;
    EXPECT_EQ(encode_hazard_state(found->second), encode_hazard_state(state))
        << what << ": " << id;
  }
}

class HazardHistory : public ::testing::Test {
 protected:
  // Hazards reported with business times out of log order: H-2 is entered late (its `at`
  // is before H-1's classification).
  void SetUp() override {
    h.city_with_institutions();
    h.ok(command("ReportHazard", staff("I-1"),
                 {{"hazard_id", "H-1"}, {"institution_id", "I-1"}, {"category", "fire_safety"},
                  {"description", "灭火器过期"}, {"source", "self_inspection"}}, "2026-06-02T09:00:00Z"));
    h.ok(command("ClassifyHazard", county(), {{"hazard_id", "H-1"}, {"severity", "general"}},
                 "2026-06-03T09:00:00Z"));
    after_classification_ = h.store().head().position;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    between_ = now_utc();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    h.ok(command("ReportHazard", staff("I-2", "staff-2"),
                 {{"hazard_id", "H-2"}, {"institution_id", "I-2"}, {"category", "gas"},
                  {"description", "燃气管老化"}, {"source", "self_inspection"}}, "2026-06-01T09:00:00Z"));
    h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "已采购"}},
                 "2026-06-04T09:00:00Z"));
    h.ok(command("ClassifyHazard", county(), {{"hazard_id", "H-2"}, {"severity", "major"}},
                 "2026-06-05T09:00:00Z"));
  }

  Result<HazardBoard> at(const ReadPoint& point, std::uint64_t snapshot_every) {
    ProjectionSettings settings{snapshot_every};
    settings.split_reads_from_bytes = 0;  // current states read on two threads, however few
    auto projections = ProjectionStore::open(h.store(), settings);
    EXPECT_TRUE(projections.ok());
    EXPECT_TRUE((*projections)->catch_up().ok());
    return hazard_states_at(**projections, point);
  }

  // Every position and a few business times read as a full fold of the log.
  void expect_every_point(ProjectionStore& projections, const std::string& what) {
    for (std::uint64_t p = 0; p <= h.store().head().position.value(); ++p) {
      const ReadPoint point{ReadPoint::Kind::position, Position(p), Timestamp(0)};
      auto board = hazard_states_at(projections, point);
      ASSERT_TRUE(board.ok()) << what << ": " << board.status().to_string();
      expect_same(fold_log(h.store(), point), *board, what + ", position " + std::to_string(p));
    }
    for (const char* time : {"2026-06-01T09:00:00Z", "2026-06-02T12:00:00Z", "2026-06-04T12:00:00Z",
                             "2026-06-06T12:00:00Z", "2030-01-01T00:00:00Z"}) {
      const ReadPoint point{ReadPoint::Kind::as_of, Position(0), *parse_instant(time)};
      auto board = hazard_states_at(projections, point);
      ASSERT_TRUE(board.ok()) << what << ": " << board.status().to_string();
      expect_same(fold_log(h.store(), point), *board, what + ", as of " + std::string(time));
    }
  }

  testing::DomainHarness h;
  Position after_classification_{0};
  Timestamp between_{0};
};

TEST_F(HazardHistory, PositionKnownAtAndAsOfGiveDifferentAnswers) {
  // --position: the log up to H-1's classification: H-1 classified, no H-2.
  auto by_position = at(ReadPoint{ReadPoint::Kind::position, after_classification_, Timestamp(0)}, 50'000);
  ASSERT_TRUE(by_position.ok()) << by_position.status().to_string();
  EXPECT_EQ(by_position->position, after_classification_);
  ASSERT_EQ(by_position->hazards.size(), 1u);
  EXPECT_EQ(by_position->hazards.at("H-1").phase, HazardPhase::classified);

  // --known-at: what was recorded by a wall-clock instant between the two halves: the same.
  auto known = at(ReadPoint{ReadPoint::Kind::known_at, Position(0), between_}, 50'000);
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known->position, after_classification_);
  EXPECT_EQ(known->hazards.size(), 1u);

  // --as-of 2026-06-02T12:00Z: business time: H-1 reported but not yet classified, and H-2
  // (entered later, but occurred on 06-01) reported.
  auto as_of = at(ReadPoint{ReadPoint::Kind::as_of, Position(0), *parse_instant("2026-06-02T12:00:00Z")}, 50'000);
  ASSERT_TRUE(as_of.ok());
  ASSERT_EQ(as_of->hazards.size(), 2u);
  EXPECT_EQ(as_of->hazards.at("H-1").phase, HazardPhase::reported);
  EXPECT_EQ(as_of->hazards.at("H-2").phase, HazardPhase::reported);
  EXPECT_FALSE(as_of->hazards.at("H-2").severity.has_value());
}

TEST_F(HazardHistory, SnapshotsGiveTheSameAnswerAsAFullFoldAtEveryPoint) {
  const Position head = h.store().head().position;
  for (std::uint64_t every : {1u, 2u, 3u, 50'000u}) {
    for (std::uint64_t p = 0; p <= head.value(); ++p) {
      const ReadPoint point{ReadPoint::Kind::position, Position(p), Timestamp(0)};
      auto board = at(point, every);
      ASSERT_TRUE(board.ok()) << board.status().to_string();
      expect_same(fold_log(h.store(), point), *board, "snapshot every " + std::to_string(every) +
                                                          ", position " + std::to_string(p));
    }
    for (const char* time : {"2026-06-01T00:00:00Z", "2026-06-01T09:00:00Z", "2026-06-02T12:00:00Z",
                             "2026-06-03T09:00:00Z", "2026-06-04T12:00:00Z", "2030-01-01T00:00:00Z"}) {
      const ReadPoint point{ReadPoint::Kind::as_of, Position(0), *parse_instant(time)};
      auto board = at(point, every);
      ASSERT_TRUE(board.ok());
      expect_same(fold_log(h.store(), point), *board, std::string("as of ") + time);
    }
  }
}

// Pre-images written across many writes (a write every event or two, inside snapshot
// intervals), then by later opens that each fold a command or two (a hazard changed since
// the last snapshot by an earlier open gets no second pre-image), then under a changed
// snapshot interval: every point reads as a full fold of the log.
TEST_F(HazardHistory, HistoryFoldedAcrossWritesAndOpensGivesTheSameAnswerAsAFullFold) {
  for (const auto& [every, per_write] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {1, 1}, {2, 1}, {3, 2}, {4, 3}, {5, 1}}) {
    ProjectionSettings settings{every};
    settings.events_per_write = per_write;
    settings.split_reads_from_bytes = per_write == 1 ? 0 : settings.split_reads_from_bytes;
    auto projections = ProjectionStore::open(h.store(), settings);
    ASSERT_TRUE(projections.ok());
    ASSERT_TRUE((*projections)->rebuild(kHazardStatus).ok());
    expect_every_point(**projections, "snapshot every " + std::to_string(every) + ", a write every " +
                                          std::to_string(per_write));
  }
  // The last rebuild took a snapshot every 5 events; each open below folds what was
  // committed since the one before.
  const std::vector<std::pair<std::string, std::string>> notes{
      {"H-1", "已安装"}, {"H-2", "已关阀"}, {"H-1", "已验收"}, {"H-2", "已更换"}, {"H-1", "已复查"}};
  int day = 6;
  for (const auto& [hazard, note] : notes) {
    h.ok(command("RecordProgress", staff(hazard == "H-1" ? "I-1" : "I-2", hazard == "H-1" ? "staff-1" : "staff-2"),
                 {{"hazard_id", hazard}, {"note", note}}, (day < 10 ? "2026-06-0" : "2026-06-") + std::to_string(day) + "T09:00:00Z"));
    ++day;
    auto projections = ProjectionStore::open(h.store(), ProjectionSettings{5});
    ASSERT_TRUE(projections.ok());
    ASSERT_TRUE((*projections)->catch_up().ok());
    expect_every_point(**projections, "opened after " + note);
  }
  // A changed interval: snapshots from then on every 2 events.
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "已归档"}}, "2026-06-11T09:00:00Z"));
  h.ok(command("RecordProgress", staff("I-2", "staff-2"), {{"hazard_id", "H-2"}, {"note", "已归档"}},
               "2026-06-11T10:00:00Z"));
  auto projections = ProjectionStore::open(h.store(), ProjectionSettings{2});
  ASSERT_TRUE(projections.ok());
  ASSERT_TRUE((*projections)->catch_up().ok());
  expect_every_point(**projections, "after a changed snapshot interval");
}

TEST_F(HazardHistory, APositionPastTheHeadIsAnError) {
  auto board = at(ReadPoint{ReadPoint::Kind::position, Position(9'999), Timestamp(0)}, 50'000);
  ASSERT_FALSE(board.ok());
  EXPECT_EQ(board.status().code(), ErrorCode::invalid_field);
  EXPECT_NE(board.status().message().find("past the head"), std::string::npos);
}

// A damaged history: a pre-image missing, one of a hazard nothing after its snapshot
// touches, or a run of them cut short. The read names the hazard (or the snapshot) and
// fails instead of answering wrong.
TEST_F(HazardHistory, ADamagedHistoryIsCorruptionNamingTheHazard) {
  ProjectionSettings settings{1};  // a snapshot at every event
  auto projections = ProjectionStore::open(h.store(), settings);
  ASSERT_TRUE(projections.ok());
  ASSERT_TRUE((*projections)->catch_up().ok());
  std::string first_key, first_value;
  ASSERT_TRUE((*projections)->scan(kHazardStatus, history::kPreImagePrefix, [&](std::string_view key, std::string_view value) {
    first_key = key;
    first_value = value;
    return false;
  }).ok());
  ASSERT_FALSE(first_key.empty());
  const Position snapshot(*layout::read_u64_be(std::string_view(first_key).substr(history::kPreImagePrefix.size(), 8)));
  const std::string hazard = first_key.substr(history::kPreImagePrefix.size() + 8);
  const ReadPoint point{ReadPoint::Kind::position, snapshot, Timestamp(0)};
  ASSERT_TRUE(hazard_states_at(**projections, point).ok());

  rocksdb::DB* db = h.store().db();
  auto* family = h.store().family(layout::kProjectionsFamily);
  history::StateRun first_run(first_value);
  std::string_view first_id, first_state;
  ASSERT_TRUE(first_run.next(&first_id, &first_state));
  ASSERT_EQ(first_id, hazard);
  std::string stray_run;
  history::append_to_run("H-404", first_state, &stray_run);
  const std::string stray = history::pre_image_key(snapshot, "H-404");
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, stray), stray_run).ok());
  auto board = hazard_states_at(**projections, point);
  ASSERT_FALSE(board.ok());
  EXPECT_EQ(board.status().code(), ErrorCode::corruption);
  EXPECT_NE(board.status().message().find("pre-image of hazard H-404"), std::string::npos) << board.status().to_string();

  ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, stray)).ok());
  ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, first_key)).ok());
  board = hazard_states_at(**projections, point);
  ASSERT_FALSE(board.ok());
  EXPECT_EQ(board.status().code(), ErrorCode::corruption);
  EXPECT_NE(board.status().message().find("no state of hazard " + hazard), std::string::npos) << board.status().to_string();

  // A run cut short.
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, first_key),
                      first_value.substr(0, first_value.size() - 1)).ok());
  board = hazard_states_at(**projections, point);
  ASSERT_FALSE(board.ok());
  EXPECT_EQ(board.status().code(), ErrorCode::corruption);
  EXPECT_NE(board.status().message().find("malformed hazard_status pre-images at snapshot " +
                                          std::to_string(snapshot.value())),
            std::string::npos)
      << board.status().to_string();
}

// hazard_status's pack keys (the runs and the record of their snapshot), as stored.
std::map<std::string, std::string> pack_keys(const ProjectionStore& projections) {
  std::map<std::string, std::string> keys;
  for (std::string_view prefix : {history::kPackPrefix, history::kPackedAtKey}) {
    EXPECT_TRUE(projections.scan(kHazardStatus, prefix, [&](std::string_view key, std::string_view value) {
      keys.emplace(key, value);
      return true;
    }).ok());
  }
  return keys;
}

// The pack's write is lost in a crash: reads from the snapshots after the stale pack take
// every hazard from "h/" instead (taking them from the pack would give H-1 as it was before
// its progress notes), and the next catch-up, with nothing to fold, writes the pack again.
TEST_F(HazardHistory, APackLostInACrashIsReadAroundAndWrittenAgain) {
  auto projections = ProjectionStore::open(h.store(), ProjectionSettings{2}).value();
  ASSERT_TRUE(projections->catch_up().ok());
  const auto stale = pack_keys(*projections);
  ASSERT_TRUE(stale.contains(std::string(history::kPackedAtKey)));
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "已安装"}}, "2026-06-06T09:00:00Z"));
  h.ok(command("RecordProgress", staff("I-1"), {{"hazard_id", "H-1"}, {"note", "已验收"}}, "2026-06-07T09:00:00Z"));
  ASSERT_TRUE(projections->catch_up().ok());
  const auto fresh = pack_keys(*projections);
  ASSERT_NE(fresh, stale);

  rocksdb::DB* db = h.store().db();
  auto* family = h.store().family(layout::kProjectionsFamily);
  for (const auto& [key, value] : fresh) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, key)).ok());
  }
  for (const auto& [key, value] : stale) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, key), value).ok());
  }
  expect_every_point(*projections, "the pack of an earlier snapshot");

  auto reopened = ProjectionStore::open(h.store(), ProjectionSettings{2}).value();
  ASSERT_TRUE(reopened->catch_up().ok());
  EXPECT_EQ(pack_keys(*reopened), fresh);
  expect_every_point(*reopened, "the pack written again");
}

// A damaged pack: a run cut short, or one whose hazards are out of order. The read names
// the run and fails instead of answering wrong.
TEST_F(HazardHistory, ADamagedPackIsCorruptionNamingItsRun) {
  auto projections = ProjectionStore::open(h.store(), ProjectionSettings{2}).value();
  ASSERT_TRUE(projections->catch_up().ok());
  const ReadPoint point{ReadPoint::Kind::as_of, Position(0), *parse_instant("2026-06-04T12:00:00Z")};
  ASSERT_TRUE(hazard_states_at(*projections, point).ok());
  std::string run_key, run;
  ASSERT_TRUE(projections->scan(kHazardStatus, history::kPackPrefix, [&](std::string_view key, std::string_view value) {
    run_key = key;
    run = value;
    return false;
  }).ok());
  ASSERT_EQ(run_key, std::string(history::kPackPrefix) + "H-1");

  rocksdb::DB* db = h.store().db();
  auto* family = h.store().family(layout::kProjectionsFamily);
  auto expect_corruption = [&](const std::string& value, const std::string& message) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), family, projection_key(kHazardStatus, run_key), value).ok());
    auto board = hazard_states_at(*projections, point);
    ASSERT_FALSE(board.ok()) << message;
    EXPECT_EQ(board.status().code(), ErrorCode::corruption);
    EXPECT_NE(board.status().message().find(message), std::string::npos) << board.status().to_string();
  };
  expect_corruption(run.substr(0, run.size() - 1), "malformed hazard_status pack run H-1");
  history::StateRun reader(run);
  std::vector<std::pair<std::string, std::string>> states;
  std::string_view id, state;
  while (reader.next(&id, &state)) states.emplace_back(id, state);
  ASSERT_EQ(states.size(), 2u);
  std::string repeated;  // H-1 twice
  history::append_to_run(states[0].first, states[1].second, &repeated);
  history::append_to_run(states[0].first, states[0].second, &repeated);
  expect_corruption(repeated, "hazard_status pack run H-1 holds hazard H-1 out of order");
}

TEST(StateRuns, ReadBackWhatWasAppendedAndStopWhereTheBytesDoNotAddUp) {
  std::string run;
  history::append_to_run("H-1", "state one", &run);
  history::append_to_run("H-20", "", &run);
  history::append_to_run("H-3", std::string(300, 'x'), &run);
  std::vector<std::pair<std::string, std::string>> read;
  history::StateRun reader(run);
  std::string_view id, state;
  while (reader.next(&id, &state)) read.emplace_back(id, state);
  EXPECT_FALSE(reader.malformed());
  const std::vector<std::pair<std::string, std::string>> expected{
      {"H-1", "state one"}, {"H-20", ""}, {"H-3", std::string(300, 'x')}};
  EXPECT_EQ(read, expected);

  for (std::size_t cut = 1; cut < run.size(); ++cut) {
    history::StateRun shorter(std::string_view(run).substr(0, cut));
    std::size_t whole = 0;
    while (shorter.next(&id, &state)) ++whole;
    // Only cuts between two states leave a well-formed run.
    const bool between = cut == 4 + 3 + 4 + 9 || cut == 4 + 3 + 4 + 9 + 4 + 4 + 4;
    EXPECT_EQ(shorter.malformed(), !between) << cut;
    EXPECT_LT(whole, 3u) << cut;
  }
  std::string no_id;
  history::append_to_run("", "state", &no_id);
  history::StateRun nameless(no_id);
  EXPECT_FALSE(nameless.next(&id, &state));
  EXPECT_TRUE(nameless.malformed());
}

TEST(HistoryKeys, APreImageKeyIsItsSnapshotThenTheHazard) {
  const std::string expected = std::string("pre/") + std::string("\0\0\0\0\0\x1e\x84\x80", 8) + "H-7";  // 2,000,000
  EXPECT_EQ(history::pre_image_key(Position(2'000'000), "H-7"), expected);
  std::string reused = "something longer than the key, which is replaced";
  history::pre_image_key_into(Position(2'000'000), "H-7", &reused);
  EXPECT_EQ(reused, expected);
}

}  // namespace
}  // namespace redline
