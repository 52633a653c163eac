#include "projections/internal/slot_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace redline::internal {
namespace {

struct TestSlot {
  std::string key;
  int value = 0;
};

std::unique_ptr<TestSlot> slot_of(const std::string& key, int value) {
  return std::make_unique<TestSlot>(TestSlot{key, value});
}

// Hashes chosen to collide (a few values for many keys, some at the table's last buckets so
// that probe runs wrap around): every lookup, insert and removal walks long runs, and
// removals must move the right entries back.
std::size_t crowded_hash(int n) {
  static const std::size_t kHashes[] = {0, 1, 1023, 1022, 5, 5 + 1024, 7 + 4096, ~std::size_t{0}};
  return kHashes[n % 8];
}

TEST(SlotIndex, AgreesWithAMapThroughInsertsAndRemovalsOfCollidingKeys) {
  SlotIndex<TestSlot> index;
  std::map<std::string, std::pair<std::size_t, int>> expected;  // key -> hash, value
  std::mt19937 random(7);
  for (int step = 0; step < 20'000; ++step) {
    const int n = static_cast<int>(random() % 3000);
    const std::string key = "h/H-" + std::to_string(n);
    const std::size_t hash = crowded_hash(n);
    if (random() % 3 != 0) {
      if (expected.count(key) == 0) {
        index.insert(slot_of(key, step), hash);
        expected[key] = {hash, step};
      }
    } else {
      auto taken = index.take(key, hash);
      if (expected.count(key) != 0) {
        ASSERT_NE(taken, nullptr) << key;
        EXPECT_EQ(taken->value, expected[key].second);
        expected.erase(key);
      } else {
        EXPECT_EQ(taken, nullptr) << key;
      }
    }
    ASSERT_EQ(index.size(), expected.size());
  }
  for (int n = 0; n < 3000; ++n) {
    const std::string key = "h/H-" + std::to_string(n);
    const TestSlot* found = index.find(key, crowded_hash(n));
    auto it = expected.find(key);
    if (it == expected.end()) {
      EXPECT_EQ(found, nullptr) << key;
    } else {
      ASSERT_NE(found, nullptr) << key;
      EXPECT_EQ(found->value, it->second.second);
      // A hash shared by several keys: peek gives one of them, never a key of another hash.
      const TestSlot* peeked = index.peek(it->second.first);
      ASSERT_NE(peeked, nullptr);
      EXPECT_EQ(expected.at(peeked->key).first, it->second.first);
    }
  }
}

TEST(SlotIndex, DrainKeepsWhatItIsToldToAndEmptiesItself) {
  SlotIndex<TestSlot> older, younger;
  for (int n = 0; n < 100; ++n) older.insert(slot_of("k" + std::to_string(n), n), crowded_hash(n));
  older.drain(&younger, [](const TestSlot& slot) { return slot.value % 10 == 0; });
  EXPECT_EQ(older.size(), 0u);
  EXPECT_EQ(older.find("k10", crowded_hash(10)), nullptr);
  EXPECT_EQ(younger.size(), 10u);
  for (int n = 0; n < 100; ++n) {
    const TestSlot* found = younger.find("k" + std::to_string(n), crowded_hash(n));
    EXPECT_EQ(found != nullptr, n % 10 == 0) << n;
  }
  // Moving an index hands its slots over whole.
  SlotIndex<TestSlot> moved = std::move(younger);
  EXPECT_EQ(moved.size(), 10u);
  EXPECT_NE(moved.find("k90", crowded_hash(90)), nullptr);
}

}  // namespace
}  // namespace redline::internal
