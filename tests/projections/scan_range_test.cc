// ProjectionStore::scan_range (a prefix's keys from one key to another) and middle_key (where
// to split a scan of a prefix between two threads).
#include <gtest/gtest.h>

#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "engine/store_layout.h"
#include "projections/projection_store.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

constexpr std::string_view kName = "hazard_status";

std::string state_key(int hazard) { return "h/H-" + std::to_string(100'000 + hazard); }

class ScanRange : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = EventStore::open(StoreOptions{dir_.path(), false, true});
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto projections = ProjectionStore::open(*store_, ProjectionSettings{});
    ASSERT_TRUE(projections.ok()) << projections.status().to_string();
    projections_ = std::move(projections).value();
  }

  // `count` states of 200 bytes, between neighbours of other regions and projections, in a
  // table file (flushed) or in the memtable.
  void write_states(int count, bool flush) {
    rocksdb::WriteBatch batch;
    auto* family = store_->family(layout::kProjectionsFamily);
    auto put = [&](std::string_view name, const std::string& key) {
      ASSERT_TRUE(batch.Put(family, std::string(name) + '\0' + key, std::string(200, 'x')).ok());
    };
    put(kName, "g/before");
    put(kName, "i/after");
    put("county_summary", "h/H-100000");
    for (int hazard = 0; hazard < count; ++hazard) put(kName, state_key(hazard));
    ASSERT_TRUE(store_->db()->Write(rocksdb::WriteOptions(), &batch).ok());
    if (flush) {
      ASSERT_TRUE(store_->db()->Flush(rocksdb::FlushOptions(), family).ok());
    }
  }

  std::vector<std::string> keys_in(std::string_view from, std::string_view to) {
    std::vector<std::string> keys;
    EXPECT_TRUE(projections_->scan_range(kName, "h/", from, to, [&](std::string_view key, std::string_view) {
      keys.emplace_back(key);
      return true;
    }).ok());
    return keys;
  }

  testing::TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<ProjectionStore> projections_;
};

TEST_F(ScanRange, ReadsTheKeysFromOneKeyToAnotherWithinThePrefix) {
  write_states(10, /*flush=*/false);
  EXPECT_EQ(keys_in("h/", ""), (std::vector<std::string>{state_key(0), state_key(1), state_key(2), state_key(3),
                                                         state_key(4), state_key(5), state_key(6), state_key(7),
                                                         state_key(8), state_key(9)}));
  EXPECT_EQ(keys_in(state_key(3), state_key(6)), (std::vector<std::string>{state_key(3), state_key(4), state_key(5)}));
  EXPECT_EQ(keys_in(state_key(8), ""), (std::vector<std::string>{state_key(8), state_key(9)}));
  // Bounds outside the prefix are held to it.
  EXPECT_EQ(keys_in("a", state_key(1)), (std::vector<std::string>{state_key(0)}));
  EXPECT_EQ(keys_in(state_key(9), "z"), (std::vector<std::string>{state_key(9)}));
  EXPECT_TRUE(keys_in(state_key(5), state_key(5)).empty());
}

TEST_F(ScanRange, TheMiddleKeyDividesAPrefixsBytesAboutInHalf) {
  write_states(40'000, /*flush=*/true);  // 8 MB
  const std::string middle = projections_->middle_key(kName, "h/", 4u << 20);
  ASSERT_FALSE(middle.empty());
  ASSERT_TRUE(middle.starts_with("h/"));
  const std::size_t below = keys_in("h/", middle).size();
  const std::size_t above = keys_in(middle, "").size();
  EXPECT_EQ(below + above, 40'000u);
  EXPECT_GT(below, 16'000u);
  EXPECT_GT(above, 16'000u);
  // Not worth splitting: too few bytes.
  EXPECT_TRUE(projections_->middle_key(kName, "h/", 64u << 20).empty());
  EXPECT_TRUE(projections_->middle_key(kName, "nothing/", 1).empty());
}

TEST_F(ScanRange, TheMiddleKeyOfStatesStillInMemoryIsWithinThePrefix) {
  write_states(5'000, /*flush=*/false);
  const std::string middle = projections_->middle_key(kName, "h/", 0);
  ASSERT_TRUE(middle.starts_with("h/"));
  EXPECT_EQ(keys_in("h/", middle).size() + keys_in(middle, "").size(), 5'000u);
}

}  // namespace
}  // namespace redline
