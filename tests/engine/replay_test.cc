#include "engine/replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <thread>

#include "events/codec.h"
#include "tests/support/raw_rocksdb.h"
#include "tests/support/sample_events.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

// 5,000 events (several replay chunks) over 7 streams, alternating types.
void fill(EventStore& store, int count) {
  auto txn = store.begin_transaction();
  for (int i = 0; i < count; ++i) {
    const std::string id = "H-" + std::to_string(i % 7);
    Event data = i % 2 == 0 ? Event(testing::hazard_reported(id))
                            : Event(RectificationProgressed{"第" + std::to_string(i) + "步"});
    ASSERT_TRUE(txn.append(std::vector{testing::new_event("hazard-" + id, data)}, std::nullopt).ok());
  }
  ASSERT_TRUE(txn.commit().ok());
}

std::unique_ptr<EventStore> open(const std::string& path) {
  auto store = EventStore::open(StoreOptions{path, false, true});
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  return std::move(store).value();
}

// `count` events, the one at `damaged` overwritten with bytes that do not decode.
std::unique_ptr<EventStore> open_damaged(const std::string& path, int count, std::uint64_t damaged) {
  {
    auto store = open(path);
    fill(*store, count);
  }
  {
    testing::RawRocksDb raw(path);
    raw.put_log(damaged, raw.get_log(damaged).substr(0, 60) + std::string(40, '\xff'));
  }
  return open(path);
}

TEST(Replay, VisitsEveryEventInOrderAndDecodesIt) {
  testing::TempDir dir;
  auto store = open(dir.path());
  fill(*store, 5000);
  std::uint64_t expected = 1;
  Hash previous{};
  ASSERT_TRUE(replay(*store, Position(1), [&](const Envelope& e) {
    EXPECT_EQ(e.position.value(), expected);
    EXPECT_EQ(e.prev_hash, previous);
    if (expected % 2 == 0) {
      EXPECT_EQ(std::get<RectificationProgressed>(e.data).note,
                "第" + std::to_string(expected - 1) + "步");
    } else {
      EXPECT_EQ(e.type(), "HazardReported");
    }
    previous = e.hash;
    ++expected;
    return true;
  }).ok());
  EXPECT_EQ(expected, 5001u);
}

TEST(Replay, StartsAtAPositionAndStopsWhenAsked) {
  testing::TempDir dir;
  auto store = open(dir.path());
  fill(*store, 5000);
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE(replay(*store, Position(2040), [&](const Envelope& e) {
    seen.push_back(e.position.value());
    return e.position.value() < 2060;
  }).ok());
  ASSERT_EQ(seen.size(), 21u);
  EXPECT_EQ(seen.front(), 2040u);
  EXPECT_EQ(seen.back(), 2060u);
  int visits = 0;
  ASSERT_TRUE(replay(*store, Position(5001), [&](const Envelope&) { return ++visits > 0; }).ok());
  EXPECT_EQ(visits, 0);
}

TEST(Replay, NamesTheFirstUndecodableEvent) {
  testing::TempDir dir;
  auto store = open_damaged(dir.path(), 3000, 2500);
  std::uint64_t last = 0;
  Status replayed = replay(*store, Position(1), [&](const Envelope& e) {
    last = e.position.value();
    return true;
  });
  EXPECT_EQ(replayed.code(), ErrorCode::corruption);
  EXPECT_NE(replayed.message().find("position 2500"), std::string::npos) << replayed.message();
  EXPECT_EQ(last, 2499u);
}

// A slow visitor: the reader gets ahead and decodes the chunks itself. The events, their
// order and the first undecodable one are the same either way.
TEST(Replay, ASlowVisitorGetsTheSameEventsAndTheSameError) {
  testing::TempDir dir;
  auto store = open_damaged(dir.path(), 20'000, 19'000);
  std::uint64_t expected = 1;
  Status replayed = replay(*store, Position(1), [&](const Envelope& e) {
    if (e.position.value() == 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(e.position.value(), expected);
    if (expected % 2 == 0) {
      EXPECT_EQ(std::get<RectificationProgressed>(e.data).note, "第" + std::to_string(expected - 1) + "步");
    }
    ++expected;
    return true;
  });
  EXPECT_EQ(replayed.code(), ErrorCode::corruption);
  EXPECT_NE(replayed.message().find("position 19000"), std::string::npos) << replayed.message();
  EXPECT_EQ(expected, 19'000u);
}

// Events the filter refuses keep every envelope field but get a default value of their type
// as data; the others decode whole. The same whichever thread decodes (a slow visitor).
TEST(Replay, DecodesTheDataOnlyOfTheEventsAskedFor) {
  testing::TempDir dir;
  auto store = open(dir.path());
  fill(*store, 6000);
  std::vector<std::pair<std::string, std::string>> asked;
  std::mutex asked_mutex;
  const DataWanted wanted = [&](const Envelope& envelope, std::string_view type) {
    std::lock_guard lock(asked_mutex);
    asked.emplace_back(envelope.stream, type);
    // The envelope's own fields are there to decide on.
    EXPECT_GT(envelope.position.value(), 0u);
    EXPECT_NE(envelope.occurred_at.value(), 0);
    return envelope.stream == "hazard-H-3" || type == "HazardReported";
  };
  for (bool slow : {false, true}) {
    asked.clear();
    std::uint64_t expected = 1;
    ASSERT_TRUE(replay(*store, Position(1), [&](const Envelope& e) {
      if (slow && e.position.value() == 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
      EXPECT_EQ(e.position.value(), expected);
      const std::string id = "H-" + std::to_string((expected - 1) % 7);
      EXPECT_EQ(e.stream, "hazard-" + id);
      if (expected % 2 == 1) {
        EXPECT_EQ(std::get<HazardReported>(e.data).hazard_id, id);
      } else {
        const std::string& note = std::get<RectificationProgressed>(e.data).note;
        EXPECT_EQ(note, id == "H-3" ? "第" + std::to_string(expected - 1) + "步" : "") << expected;
      }
      ++expected;
      return true;
    }, wanted).ok());
    EXPECT_EQ(expected, 6001u);
    // Once per event, with its stream and type (in no set order: both threads may decode).
    std::vector<std::pair<std::string, std::string>> every;
    for (int i = 0; i < 6000; ++i) {
      every.emplace_back("hazard-H-" + std::to_string(i % 7),
                         i % 2 == 0 ? "HazardReported" : "RectificationProgressed");
    }
    std::sort(every.begin(), every.end());
    std::sort(asked.begin(), asked.end());
    EXPECT_EQ(asked, every);
  }
}

// The hint sees every event once, in order, before its visit and at most kReplayLookahead
// visits ahead of it; whichever thread decodes (a slow visitor), and up to an undecodable
// event, which still ends the replay at its position.
TEST(Replay, ShowsEachEventToTheHintAheadOfItsVisit) {
  testing::TempDir dir;
  auto store = open_damaged(dir.path(), 9000, 8500);
  for (bool slow : {false, true}) {
    std::vector<std::uint64_t> shown;
    std::uint64_t visited = 0;
    std::size_t most_ahead = 0;
    const EnvelopeHint hint = [&](const Envelope& upcoming) {
      EXPECT_EQ(upcoming.position.value(), shown.size() + 1);
      // The hint sees the decoded event, data included.
      if (upcoming.position.value() % 2 == 0) {
        EXPECT_EQ(std::get<RectificationProgressed>(upcoming.data).note,
                  "第" + std::to_string(upcoming.position.value() - 1) + "步");
      }
      shown.push_back(upcoming.position.value());
    };
    Status replayed = replay(*store, Position(1), [&](const Envelope& e) {
      if (slow && e.position.value() == 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
      EXPECT_EQ(e.position.value(), visited + 1);
      EXPECT_GE(shown.size(), e.position.value()) << "visited before it was shown";
      most_ahead = std::max(most_ahead, shown.size() - e.position.value());
      visited = e.position.value();
      return true;
    }, {}, hint);
    EXPECT_EQ(replayed.code(), ErrorCode::corruption) << slow;
    EXPECT_NE(replayed.message().find("position 8500"), std::string::npos) << replayed.message();
    EXPECT_EQ(visited, 8499u) << slow;
    EXPECT_EQ(shown.size(), 8499u) << slow;
    EXPECT_EQ(most_ahead, kReplayLookahead) << slow;
  }
}

}  // namespace
}  // namespace redline
