#include "engine/event_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

#include "events/codec.h"
#include "tests/support/sample_events.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using testing::append_committed;
using testing::hazard_reported;
using testing::new_event;

std::unique_ptr<EventStore> open_store(const std::string& path, bool sync = false) {
  auto store = EventStore::open(StoreOptions{path, sync, true});
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  return store.ok() ? std::move(store).value() : nullptr;
}

TEST(EventStore, PositionsAreGapFreeFromOneAndVersionsPerStream) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  EXPECT_EQ(store->head().position, Position(0));
  auto a = append_committed(*store, {new_event("hazard-A", hazard_reported("A")),
                                     new_event("hazard-A", HazardClassified{Severity::general, false})});
  auto b = append_committed(*store, {new_event("hazard-B", hazard_reported("B"))});
  auto c = append_committed(*store, {new_event("hazard-A", RectificationProgressed{"进行中"})});
  EXPECT_EQ(a.first_position, Position(1));
  EXPECT_EQ(a.last_position, Position(2));
  EXPECT_EQ(a.version, StreamVersion(2));
  EXPECT_EQ(a.types, (std::vector<std::string>{"HazardReported", "HazardClassified"}));
  EXPECT_EQ(b.first_position, Position(3));
  EXPECT_EQ(b.version, StreamVersion(1));
  EXPECT_EQ(c.first_position, Position(4));
  EXPECT_EQ(c.version, StreamVersion(3));

  auto positions = store->stream_positions("hazard-A");
  ASSERT_TRUE(positions.ok());
  EXPECT_EQ(*positions, (std::vector<Position>{Position(1), Position(2), Position(4)}));
  auto fourth = store->read(Position(4));
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(fourth->stream, "hazard-A");
  EXPECT_EQ(fourth->version, StreamVersion(3));
  EXPECT_EQ(store->read(Position(5)).status().code(), ErrorCode::not_found);
}

// Reading a stream whole records its version for the next append (remember_durable_version);
// a read racing a commit of the same stream must never leave the older version behind.
TEST(EventStore, AStreamReadWholeThenAppendedContinuesItsVersions) {
  testing::TempDir dir;
  {
    auto store = open_store(dir.path());
    append_committed(*store, {new_event("hazard-A", hazard_reported("A"))});
  }
  auto store = open_store(dir.path());  // nothing cached
  std::future<Status> in_flight;
  {
    auto txn = store->begin_transaction();
    ASSERT_TRUE(txn.append(std::vector{new_event("hazard-A", HazardClassified{Severity::general, false})},
                           std::nullopt).ok());
    in_flight = txn.commit_async();
  }
  ASSERT_TRUE(store->stream_positions("hazard-A").ok());  // one or two, as the commit stands
  ASSERT_TRUE(in_flight.get().ok());
  ASSERT_TRUE(store->stream_positions("hazard-A").ok());
  EXPECT_TRUE(store->stream_positions("hazard-B")->empty());
  auto a = append_committed(*store, {new_event("hazard-A", RectificationProgressed{"进行中"})});
  auto b = append_committed(*store, {new_event("hazard-B", hazard_reported("B"))});
  EXPECT_EQ(a.version, StreamVersion(3));
  EXPECT_EQ(b.version, StreamVersion(1));
  EXPECT_EQ(*store->stream_positions("hazard-A"),
            (std::vector<Position>{Position(1), Position(2), Position(3)}));
}

TEST(EventStore, ExpectedVersionMismatchIsConflictAndStagesNothing) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  append_committed(*store, {new_event("hazard-A", hazard_reported("A"))});
  auto txn = store->begin_transaction();
  auto wrong = txn.append(std::vector{new_event("hazard-A", HazardClosed{})}, StreamVersion(0));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::conflict);
  EXPECT_NE(wrong.status().message().find("hazard-A is at version 1, expected 0"),
            std::string::npos)
      << wrong.status().message();
  EXPECT_EQ(txn.staged_event_count(), 0u);
  EXPECT_EQ(txn.next_position(), Position(2));
  auto right = txn.append(std::vector{new_event("hazard-A", HazardClosed{})}, StreamVersion(1));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->version, StreamVersion(2));
  ASSERT_TRUE(txn.commit().ok());
}

TEST(EventStore, AnAppendIsAllOrNothing) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  auto txn = store->begin_transaction();
  std::vector<NewEvent> events{new_event("hazard-A", hazard_reported("A")),
                               new_event(std::string("bad\0stream", 10), HazardClosed{})};
  auto staged = txn.append(events, std::nullopt);
  EXPECT_EQ(staged.status().code(), ErrorCode::invalid_field);
  EXPECT_EQ(txn.staged_event_count(), 0u);
  ASSERT_TRUE(txn.commit().ok());
  EXPECT_EQ(store->head().position, Position(0));
}

TEST(EventStore, UncommittedTransactionWritesNothing) {
  testing::TempDir dir;
  {
    auto store = open_store(dir.path());
    auto txn = store->begin_transaction();
    ASSERT_TRUE(txn.append(std::vector{new_event("hazard-A", hazard_reported("A"))},
                           std::nullopt).ok());
    txn.remember_command("c-1", "{}");
    // destroyed without commit
  }
  auto store = open_store(dir.path());
  EXPECT_EQ(store->head().position, Position(0));
  EXPECT_EQ(*store->stream_version("hazard-A"), StreamVersion(0));
  EXPECT_FALSE(store->command_result("c-1")->has_value());
}

TEST(EventStore, ManyCommandsCommitInOneBatchAndSeeEachOther) {
  testing::TempDir dir;
  auto store = open_store(dir.path(), /*sync=*/true);
  auto txn = store->begin_transaction();
  for (int i = 0; i < 50; ++i) {
    auto staged = txn.append(std::vector{new_event("hazard-A", RectificationProgressed{"步骤"})},
                             StreamVersion(static_cast<std::uint64_t>(i)));
    ASSERT_TRUE(staged.ok()) << i << ": " << staged.status().to_string();
    txn.remember_command("cmd-" + std::to_string(i), "result " + std::to_string(i));
  }
  // A command id staged earlier in the same batch is already known.
  EXPECT_EQ(*txn.command_result("cmd-7"), "result 7");
  EXPECT_EQ(store->head().position, Position(0)) << "nothing visible before commit";
  ASSERT_TRUE(txn.commit().ok());
  EXPECT_EQ(store->head().position, Position(50));
  EXPECT_EQ(*store->stream_version("hazard-A"), StreamVersion(50));
}

TEST(EventStore, CommandResultsAreRememberedAcrossReopen) {
  testing::TempDir dir;
  {
    auto store = open_store(dir.path());
    auto txn = store->begin_transaction();
    ASSERT_TRUE(txn.append(std::vector{new_event("hazard-A", hazard_reported("A"))},
                           std::nullopt).ok());
    txn.remember_command("c-1", R"({"ok":true})");
    ASSERT_TRUE(txn.commit().ok());
  }
  auto store = open_store(dir.path());
  auto result = store->command_result("c-1");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, std::optional<std::string>(R"({"ok":true})"));
  EXPECT_FALSE(store->command_result("c-2")->has_value());
}

TEST(EventStore, HashChainContinuesAcrossReopen) {
  testing::TempDir dir;
  Hash first_hash{};
  {
    auto store = open_store(dir.path());
    append_committed(*store, {new_event("hazard-A", hazard_reported("A"))});
    first_hash = store->head().hash;
    EXPECT_EQ(store->read(Position(1))->prev_hash, Hash{});
  }
  auto store = open_store(dir.path());
  EXPECT_EQ(store->head().position, Position(1));
  EXPECT_EQ(store->head().hash, first_hash);
  EXPECT_EQ(*store->stream_version("hazard-A"), StreamVersion(1));
  append_committed(*store, {new_event("hazard-A", HazardClassified{Severity::major, false})});
  auto second = store->read(Position(2));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->prev_hash, first_hash);
  EXPECT_EQ(second->version, StreamVersion(2));
  EXPECT_EQ(store->head().hash, second->hash);
}

TEST(EventStore, ScanVisitsInOrderFromAPosition) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  for (int i = 0; i < 10; ++i) {
    append_committed(*store, {new_event("hazard-" + std::to_string(i),
                                        hazard_reported(std::to_string(i)))});
  }
  std::vector<std::uint64_t> seen;
  ASSERT_TRUE(store->scan(Position(4), [&](Position p, std::string_view bytes) {
    seen.push_back(p.value());
    EXPECT_EQ(read_chain_fields(bytes)->position, p);
    return p.value() < 8;
  }).ok());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{4, 5, 6, 7, 8}));
}

TEST(EventStore, SecondOpenIsRefusedAsInUse) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  auto second = EventStore::open(StoreOptions{dir.path(), false, true});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), ErrorCode::storage_error);
  EXPECT_NE(second.status().message().find("is in use by another process (pid " +
                                           std::to_string(::getpid()) + ")"),
            std::string::npos)
      << second.status().message();
}

TEST(EventStore, AnotherProcessIsRefusedAsInUse) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  const pid_t child = ::fork();
  if (child == 0) {
    auto second = EventStore::open(StoreOptions{dir.path(), false, true});
    const bool refused = !second.ok() &&
                         second.status().message().find("in use") != std::string::npos;
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(EventStore, ReleasesTheLockWhenClosed) {
  testing::TempDir dir;
  open_store(dir.path()).reset();
  EXPECT_NE(open_store(dir.path()), nullptr);
}

TEST(EventStore, MissingStoreIsNotFoundWithoutCreate) {
  testing::TempDir dir;
  auto store = EventStore::open(StoreOptions{dir.sub("none"), false, false});
  EXPECT_EQ(store.status().code(), ErrorCode::not_found);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

TEST(EventStorePipeline, NextTransactionBuildsOnOneStillBeingWritten) {
  testing::TempDir dir;
  auto store = open_store(dir.path(), /*sync=*/true);
  std::vector<std::future<Status>> pending;
  for (int batch = 0; batch < 20; ++batch) {
    auto txn = store->begin_transaction();
    // What earlier, possibly unwritten, batches staged is visible here.
    EXPECT_EQ(txn.next_position(), Position(static_cast<std::uint64_t>(batch) * 10 + 1));
    EXPECT_EQ(*txn.stream_version("hazard-A"), StreamVersion(static_cast<std::uint64_t>(batch) * 10));
    if (batch > 0) {
      EXPECT_EQ(*txn.command_result("batch-" + std::to_string(batch - 1)),
                std::optional<std::string>("done"));
    }
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(txn.append(std::vector{new_event("hazard-A", RectificationProgressed{"步"})},
                             std::nullopt).ok());
    }
    txn.remember_command("batch-" + std::to_string(batch), "done");
    pending.push_back(txn.commit_async());
  }
  for (auto& done : pending) EXPECT_TRUE(done.get().ok());
  EXPECT_EQ(store->head().position, Position(200));
  Hash previous{};
  for (std::uint64_t p = 1; p <= 200; ++p) {
    auto e = store->read(Position(p));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->prev_hash, previous);
    EXPECT_EQ(e->version, StreamVersion(p));
    previous = e->hash;
  }
  EXPECT_EQ(store->head().hash, previous);
}

TEST(EventStorePipeline, ClosingTheStoreFinishesHandedOffWrites) {
  testing::TempDir dir;
  std::future<Status> done;
  {
    auto store = open_store(dir.path(), /*sync=*/true);
    auto txn = store->begin_transaction();
    ASSERT_TRUE(txn.append(std::vector{new_event("hazard-A", hazard_reported("A"))},
                           std::nullopt).ok());
    done = txn.commit_async();
  }
  EXPECT_TRUE(done.get().ok());
  auto store = open_store(dir.path());
  EXPECT_EQ(store->head().position, Position(1));
}

TEST(EventStorePipeline, ACommittedTransactionTakesNoMoreAppends) {
  testing::TempDir dir;
  auto store = open_store(dir.path());
  auto txn = store->begin_transaction();
  ASSERT_TRUE(txn.commit().ok());
  auto late = txn.append(std::vector{new_event("hazard-A", hazard_reported("A"))}, std::nullopt);
  EXPECT_EQ(late.status().code(), ErrorCode::invalid_transition);
  // And the writer lock was released with the commit.
  auto next = store->begin_transaction();
  EXPECT_EQ(next.next_position(), Position(1));
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

// Replication: another store's bytes, appended as they are, checked for position, chain,
// hash and stream version.
TEST(EventStore, AppendStoredCopiesAnotherStoresEventsAndRefusesBrokenOnes) {
  testing::TempDir dir;
  auto source = open_store(dir.sub("source"));
  testing::append_committed(*source, {testing::new_event("hazard-A", testing::hazard_reported("A")),
                                      testing::new_event("hazard-B", testing::hazard_reported("B"))});
  testing::append_committed(*source, {testing::new_event("hazard-A", RectificationProgressed{"进行中"})});
  std::vector<std::string> bytes;
  for (std::uint64_t p = 1; p <= 3; ++p) bytes.push_back(source->read_raw(Position(p)).value());

  auto replica = open_store(dir.sub("replica"));
  auto refused = [&](std::string_view event, const std::string& problem) {
    auto txn = replica->begin_transaction();
    auto staged = txn.append_stored(event);
    ASSERT_FALSE(staged.ok());
    EXPECT_EQ(staged.status().code(), ErrorCode::corruption);
    EXPECT_NE(staged.status().message().find(problem), std::string::npos) << staged.status().message();
  };
  refused(bytes[1], "event at position 2 where position 1 comes next");
  std::string tampered = bytes[0];
  tampered[tampered.size() / 2] ^= 0x01;
  refused(tampered, "position 1");
  {
    auto txn = replica->begin_transaction();
    ASSERT_TRUE(txn.append_stored(bytes[0]).ok());
    ASSERT_TRUE(txn.append_stored(bytes[1]).ok());
    ASSERT_TRUE(txn.commit().ok());
  }
  // Position 3 of another chain: right position, wrong prev_hash.
  auto other = open_store(dir.sub("other"));
  testing::append_committed(*other, {testing::new_event("hazard-X", testing::hazard_reported("X")),
                                     testing::new_event("hazard-Y", testing::hazard_reported("Y")),
                                     testing::new_event("hazard-Z", testing::hazard_reported("Z"))});
  refused(other->read_raw(Position(3)).value(), "does not chain onto the event before it");
  {
    auto txn = replica->begin_transaction();
    ASSERT_TRUE(txn.append_stored(bytes[2]).ok());
    ASSERT_TRUE(txn.commit().ok());
  }
  EXPECT_EQ(replica->head().position, Position(3));
  EXPECT_EQ(replica->head().hash, source->head().hash);
  EXPECT_EQ(replica->stream_version("hazard-A").value(), StreamVersion(2));
  for (std::uint64_t p = 1; p <= 3; ++p) EXPECT_EQ(replica->read_raw(Position(p)).value(), bytes[p - 1]);
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

// A follower opened once keeps up with writer after writer: each writer session opens the
// store, commits and closes it (as submit and tick do), and after each the follower's
// catch_up shows exactly the writer's head and every event up to it.
TEST(EventStore, AFollowerKeepsUpAcrossWriterSessions) {
  testing::TempDir dir;
  { open_store(dir.path()); }
  StoreOptions follower_options{dir.path(), false, false};
  follower_options.follower = true;
  auto follower = EventStore::open(follower_options);
  ASSERT_TRUE(follower.ok()) << follower.status().to_string();
  for (int session = 0; session < 12; ++session) {
    ChainHead written;
    {
      auto writer = open_store(dir.path());
      ASSERT_NE(writer, nullptr);
      for (int i = 0; i < 3 + session; ++i) {
        const std::string id = "H-" + std::to_string(session) + "-" + std::to_string(i);
        append_committed(*writer, {new_event("hazard-" + id, hazard_reported(id))});
      }
      written = writer->head();
      if (session % 2 == 0) {
        // Half the time the follower looks while the writer is still open.
        ASSERT_TRUE((*follower)->catch_up().ok());
        EXPECT_EQ((*follower)->head().position, written.position) << "session " << session;
      }
    }
    ASSERT_TRUE((*follower)->catch_up().ok());
    EXPECT_EQ((*follower)->head().position, written.position) << "session " << session;
    EXPECT_EQ((*follower)->head().hash, written.hash) << "session " << session;
    std::uint64_t seen = 0;
    ASSERT_TRUE((*follower)->scan(Position(1), [&](Position, std::string_view) { return ++seen, true; }).ok());
    EXPECT_EQ(seen, written.position.value()) << "session " << session;
  }
}

// A RocksDB database with nothing of a Redline store in it.
void create_bare_rocksdb(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, path, &raw).ok());
  delete raw;
}

StoreOptions follower_of(const std::string& path) {
  StoreOptions options{path, false, false};
  options.follower = true;
  return options;
}

// A store is created in steps, so a follower may open it half made: RocksDB's files there
// but not yet its column families or the format record. While the creating process lives
// the follower waits for it instead of calling the store damaged (a relay started beside
// the first submit did).
TEST(EventStore, AFollowerWaitsForAStoreBeingCreated) {
  testing::TempDir dir;
  // The half-made store: RocksDB's default family only, and a living process (this one)
  // named in the lock file.
  create_bare_rocksdb(dir.path());
  std::ofstream(dir.path() + "/redline.lock") << ::getpid() << "\n";
  const StoreOptions follower_options = follower_of(dir.path());
  const auto started = std::chrono::steady_clock::now();
  auto follower = std::async(std::launch::async, [&] { return EventStore::open(follower_options); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(follower.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "it did not wait";
  {
    auto writer = open_store(dir.path());  // finishes the store
    ASSERT_NE(writer, nullptr);
    append_committed(*writer, {new_event("hazard-A", hazard_reported("A"))});
  }
  auto opened = follower.get();
  ASSERT_TRUE(opened.ok()) << opened.status().to_string();
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));
  ASSERT_TRUE((*opened)->catch_up().ok());
  EXPECT_EQ((*opened)->head().position, Position(1));
}

// ... and calls a folder that is not a Redline store so at once when nobody is creating it.
TEST(EventStore, AFollowerRefusesAForeignDatabaseAtOnce) {
  testing::TempDir dir;
  create_bare_rocksdb(dir.path());
  StoreOptions follower_options = follower_of(dir.path());
  const auto started = std::chrono::steady_clock::now();
  auto opened = EventStore::open(follower_options);
  EXPECT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("cannot open store " + dir.path()), std::string::npos)
      << opened.status().to_string();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  follower_options.path = dir.path() + "/nothing-here";
  opened = EventStore::open(follower_options);
  EXPECT_EQ(opened.status().code(), ErrorCode::not_found);
}

}  // namespace
}  // namespace redline
