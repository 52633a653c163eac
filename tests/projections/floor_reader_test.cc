// ProjectionStore::FloorReader: the greatest key ≤ a key within a prefix, whether lookups
// come close together in key order (the reader steps forward), far apart (it seeks) or
// backwards.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include <rocksdb/db.h>

#include "engine/store_layout.h"
#include "projections/projection_store.h"
#include "tests/support/temp_dir.h"

namespace redline {
namespace {

constexpr std::string_view kName = "hazard_status";

std::string prefix_of(int hazard) {
  std::string prefix = "hist/H-" + std::to_string(1000 + hazard);
  prefix.push_back('\0');
  return prefix;
}
std::string key_of(int hazard, std::uint64_t snapshot) {
  std::string key = prefix_of(hazard);
  layout::append_u64_be(&key, snapshot);
  return key;
}

class FloorReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = EventStore::open(StoreOptions{dir_.path(), false, true});
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
    auto projections = ProjectionStore::open(*store_, ProjectionSettings{});
    ASSERT_TRUE(projections.ok()) << projections.status().to_string();
    projections_ = std::move(projections).value();
    // 400 hazards; hazard h has records at snapshots 10, 20, ... up to h % 4 of them (none
    // for every fourth), and a neighbouring key of another region after them all.
    rocksdb::WriteBatch batch;
    auto* family = store_->family(layout::kProjectionsFamily);
    for (int hazard = 0; hazard < 400; ++hazard) {
      for (int n = 1; n <= hazard % 4; ++n) {
        const std::string key = key_of(hazard, 10u * n);
        const std::string value = "H" + std::to_string(hazard) + "@" + std::to_string(10 * n);
        expected_[key] = value;
        ASSERT_TRUE(batch.Put(family, std::string(kName) + '\0' + key, value).ok());
      }
    }
    ASSERT_TRUE(batch.Put(family, std::string(kName) + '\0' + "snap/x", "other").ok());
    ASSERT_TRUE(store_->db()->Write(rocksdb::WriteOptions(), &batch).ok());
  }

  // What the floor must be: the last expected key in [prefix, key].
  std::optional<std::string> reference(int hazard, std::uint64_t at) const {
    const std::string prefix = prefix_of(hazard);
    auto it = expected_.upper_bound(key_of(hazard, at));
    if (it == expected_.begin()) return std::nullopt;
    --it;
    if (!it->first.starts_with(prefix)) return std::nullopt;
    return it->second;
  }
  void check(ProjectionStore::FloorReader& reader, int hazard, std::uint64_t at) {
    auto found = reader.floor(key_of(hazard, at), prefix_of(hazard));
    ASSERT_TRUE(found.ok()) << found.status().to_string();
    EXPECT_EQ(*found, reference(hazard, at)) << "hazard " << hazard << " at " << at;
  }

  testing::TempDir dir_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<ProjectionStore> projections_;
  std::map<std::string, std::string> expected_;
};

TEST_F(FloorReaderTest, FindsTheSameFloorsStepping) {
  auto reader = projections_->floor_reader(kName);
  for (int hazard = 0; hazard < 400; ++hazard) check(*reader, hazard, 5 + 7 * (hazard % 6));
}

TEST_F(FloorReaderTest, FindsTheSameFloorsSeekingFarAheadAndBack) {
  auto reader = projections_->floor_reader(kName);
  for (int hazard = 0; hazard < 400; hazard += 61) check(*reader, hazard, 100);
  for (int hazard = 399; hazard >= 0; hazard -= 3) check(*reader, hazard, 25);
  // Past the last hazard, then back to the first.
  check(*reader, 500, 100);
  check(*reader, 1, 100);
  check(*reader, 1, 5);
}

}  // namespace
}  // namespace redline
