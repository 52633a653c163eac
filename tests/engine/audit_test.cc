#include "engine/audit.h"

#include <gtest/gtest.h>

#include "events/codec.h"
#include "tests/support/raw_rocksdb.h"
#include "tests/support/sample_events.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

using testing::new_event;

// A store of 8 events over three streams, closed.
void build_store(const std::string& path) {
  auto store = EventStore::open(StoreOptions{path, false, true});
  ASSERT_TRUE(store.ok());
  for (int i = 0; i < 4; ++i) {
    const std::string id = "H-" + std::to_string(i % 3);
    testing::append_committed(**store, {new_event("hazard-" + id, testing::hazard_reported(id)),
                                        new_event("hazard-" + id, RectificationProgressed{"整改中"})});
  }
}

ChainVerification verify(const std::string& path) {
  auto store = EventStore::open(StoreOptions{path, false, false});
  EXPECT_TRUE(store.ok()) << store.status().to_string();
  if (!store.ok()) return {};
  auto report = verify_chain(**store);
  EXPECT_TRUE(report.ok()) << report.status().to_string();
  return report.ok() ? *report : ChainVerification{};
}

TEST(Audit, IntactStoreVerifies) {
  testing::TempDir dir;
  build_store(dir.path());
  auto report = verify(dir.path());
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.events_checked, 8u);
  EXPECT_EQ(report.head.position, Position(8));
}

TEST(Audit, EmptyStoreVerifies) {
  testing::TempDir dir;
  EXPECT_TRUE(EventStore::open(StoreOptions{dir.path(), false, true}).ok());
  EXPECT_TRUE(verify(dir.path()).intact());
}

TEST(Audit, AlteredEventIsNamed) {
  testing::TempDir dir;
  build_store(dir.path());
  {
    testing::RawRocksDb raw(dir.path());
    ASSERT_TRUE(raw.ok());
    std::string bytes = raw.get_log(6);
    const std::string needle = "整改中";
    const auto at = bytes.find(needle);
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, needle.size(), "已完成");  // same length: a quiet forgery
    raw.put_log(6, bytes);
  }
  auto report = verify(dir.path());
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.first_bad_position, Position(6));
  EXPECT_NE(report.problem.find("altered"), std::string::npos) << report.problem;
}

TEST(Audit, AlteredEventWithRecomputedHashBreaksTheChainAfterIt) {
  testing::TempDir dir;
  build_store(dir.path());
  {
    testing::RawRocksDb raw(dir.path());
    std::string bytes = raw.get_log(4);
    const auto at = bytes.find("整改中");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, std::string("整改中").size(), "已完成");
    const Hash rehashed = compute_envelope_hash(bytes);
    bytes.replace(bytes.size() - kHashSize, kHashSize,
                  std::string(reinterpret_cast<const char*>(rehashed.data()), kHashSize));
    raw.put_log(4, bytes);
  }
  auto report = verify(dir.path());
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.first_bad_position, Position(5));
  EXPECT_NE(report.problem.find("prev_hash"), std::string::npos) << report.problem;
}

TEST(Audit, DeletedEventIsNamed) {
  testing::TempDir dir;
  build_store(dir.path());
  {
    testing::RawRocksDb raw(dir.path());
    raw.delete_log(6);
  }
  auto report = verify(dir.path());
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.first_bad_position, Position(6));
  EXPECT_NE(report.problem.find("missing"), std::string::npos) << report.problem;
}

TEST(Audit, DeletedLastEventIsNamed) {
  testing::TempDir dir;
  build_store(dir.path());
  {
    testing::RawRocksDb raw(dir.path());
    raw.delete_log(8);
  }
  // The store refuses to open for writing with a head beyond its log...
  auto store = EventStore::open(StoreOptions{dir.path(), false, false});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::corruption);
  EXPECT_NE(store.status().message().find("log ends at 7"), std::string::npos);
}

TEST(Audit, SwappedEventsAreNamed) {
  testing::TempDir dir;
  build_store(dir.path());
  {
    testing::RawRocksDb raw(dir.path());
    const std::string third = raw.get_log(3);
    const std::string fourth = raw.get_log(4);
    raw.put_log(3, fourth);
    raw.put_log(4, third);
  }
  auto report = verify(dir.path());
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.first_bad_position, Position(3));
}

TEST(Audit, TamperedStreamIndexIsNamed) {
  testing::TempDir dir;
  build_store(dir.path());
  {
    testing::RawRocksDb raw(dir.path());
    raw.db()->Delete(rocksdb::WriteOptions(), raw.family(layout::kStreamsFamily),
                     layout::stream_key("hazard-H-1", StreamVersion(2)));
  }
  auto report = verify(dir.path());
  ASSERT_FALSE(report.intact());
  EXPECT_EQ(report.first_bad_position, Position(4));
  EXPECT_NE(report.problem.find("stream index"), std::string::npos) << report.problem;
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

// A follower catches up its column families one after another, so for a moment its log may
// stop short of the head record or reach past it. It then sees the committed prefix they
// agree on; the writer's own open still calls the disagreement corruption.
TEST(Audit, AFollowerSeesThePrefixWhenItsHeadRecordAndLogDisagree) {
  testing::TempDir dir;
  build_store(dir.path());
  StoreOptions follower{dir.path(), false, false};
  follower.follower = true;
  std::string event7, event8, head8;
  {
    testing::RawRocksDb raw(dir.path());
    event7 = raw.get_log(7);
    event8 = raw.get_log(8);
    raw.db()->Get(rocksdb::ReadOptions(), raw.family(layout::kMetaFamily), layout::kHeadKey.data(), &head8);
    raw.delete_log(8);  // the log stops short of the head record
  }
  auto hash_of = [](const std::string& bytes) { return read_chain_fields(bytes).value().hash; };
  {
    auto store = EventStore::open(follower);
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ((*store)->head().position, Position(7));
    EXPECT_EQ((*store)->head().hash, hash_of(event7));
  }
  EXPECT_EQ(EventStore::open(StoreOptions{dir.path(), false, false}).status().code(), ErrorCode::corruption);
  {
    testing::RawRocksDb raw(dir.path());
    raw.put_log(8, event8);
    std::string head7;
    layout::append_u64_be(&head7, 7);
    const Hash hash7 = hash_of(event7);
    head7.append(reinterpret_cast<const char*>(hash7.data()), kHashSize);
    raw.db()->Put(rocksdb::WriteOptions(), raw.family(layout::kMetaFamily), layout::kHeadKey.data(), head7);
  }
  {
    auto store = EventStore::open(follower);  // the log reaches past the head record
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ((*store)->head().position, Position(7));
  }
  auto writer = EventStore::open(StoreOptions{dir.path(), false, false});
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("beyond the head record"), std::string::npos) << writer.status().message();
}

}  // namespace
}  // namespace redline
