// Sorting by key through the words carried beside each item (projections/internal/
// key_order.h) gives the keys' byte order, with ties in the caller's order: keys that share
// long prefixes, differ only past the carried words, or only by trailing zero bytes.
#include "projections/internal/key_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace redline {
namespace {

// A word is the key's eight bytes from `from` read big-endian, zeros past the key's end,
// whether read at once or byte by byte.
TEST(KeyOrder, AWordIsTheKeysBytesBigEndianZeroPadded) {
  const std::string key("\x01\x80\xff\x00\x7f" "abcdefghijk", 16);
  for (std::size_t size = 0; size <= key.size(); ++size) {
    for (std::size_t from = 0; from <= size + 9; ++from) {
      std::uint64_t expected = 0;
      for (std::size_t i = 0; i < 8; ++i) {
        expected = (expected << 8) | (from + i < size ? static_cast<unsigned char>(key[from + i]) : 0u);
      }
      EXPECT_EQ(internal::big_endian_at(std::string_view(key).substr(0, size), from), expected)
          << "size " << size << ", from " << from;
    }
  }
}

TEST(KeyOrder, SortsLikeTheKeysBytesWithTiesInTheirGivenOrder) {
  std::mt19937 random(7);
  const std::string shared = std::string("hazard_status\0hist/", 19);
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) {
    std::string key = shared;
    const int tail = static_cast<int>(random() % 48);  // up past the 32 carried bytes
    for (int j = 0; j < tail; ++j) key.push_back(static_cast<char>("\0\1a\xff"[random() % 4]));
    keys.push_back(key);
    if (i % 10 == 0) keys.push_back(key);          // a repeated key
    if (i % 7 == 0) keys.push_back(key + '\0');    // differs by a trailing zero
  }
  std::vector<internal::KeyedItem<std::size_t>> items;
  for (std::size_t i = 0; i < keys.size(); ++i) items.push_back({{}, keys[i], i});
  internal::sort_by_key(&items, [](std::size_t a, std::size_t b) { return a < b; });
  for (std::size_t i = 1; i < items.size(); ++i) {
    ASSERT_LE(items[i - 1].key, items[i].key) << i;
    if (items[i - 1].key == items[i].key) {
      EXPECT_LT(items[i - 1].item, items[i].item) << "ties keep their order";
      EXPECT_TRUE(internal::same_key(items[i - 1], items[i]));
    } else {
      EXPECT_FALSE(internal::same_key(items[i - 1], items[i]));
    }
  }
}

// Items arriving as a few ascending runs (merged, not sorted) come out the same: in key
// order, ties in their given order whichever runs they were in.
TEST(KeyOrder, MergesAFewSortedRunsIntoTheSameOrder) {
  std::mt19937 random(11);
  for (const std::size_t runs : {2u, 3u, 7u, 25u, 64u, 65u, 300u}) {
    std::vector<std::vector<std::string>> run_keys(runs);
    std::size_t order = 0;
    std::vector<internal::KeyedItem<std::size_t>> items;
    std::vector<std::string> storage;
    storage.reserve(runs * 200);
    for (auto& keys : run_keys) {
      for (int i = 0; i < 150; ++i) {
        keys.push_back(std::string("hazard_status\0hist/", 19) + "H-" + std::to_string(random() % 400));
      }
      std::sort(keys.begin(), keys.end());
      for (const auto& key : keys) {
        storage.push_back(key);
        items.push_back({{}, storage.back(), order++});
      }
    }
    auto expected = items;
    std::stable_sort(expected.begin(), expected.end(),
                     [](const auto& a, const auto& b) { return a.key < b.key; });
    // With a tie-breaker and without one: equal keys then keep the order they came in when
    // their runs are merged (a sort of many runs promises nothing among them).
    auto untied = items;
    internal::sort_by_key(&items, [](std::size_t a, std::size_t b) { return a < b; });
    internal::sort_by_key(&untied, [](std::size_t, std::size_t) { return false; });
    ASSERT_EQ(items.size(), expected.size());
    ASSERT_EQ(untied.size(), expected.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      ASSERT_EQ(items[i].key, expected[i].key) << runs << " runs, item " << i;
      ASSERT_EQ(items[i].item, expected[i].item) << runs << " runs, item " << i;
      ASSERT_EQ(untied[i].key, expected[i].key) << runs << " runs, item " << i << ", no tie-breaker";
      if (runs <= internal::kMostRunsToMerge) {
        ASSERT_EQ(untied[i].item, expected[i].item) << runs << " runs, item " << i << ", no tie-breaker";
      }
    }
  }
}

}  // namespace
}  // namespace redline
