// Sorting many items by byte-string keys that live elsewhere in memory (slices into a write
// batch, keys inside cached states) without a cache miss per comparison: each item carries
// the 16 bytes of its key that follow the prefix every key shares, big-endian in two
// integers, and the keys themselves are read only when those agree. Internal to the
// projections; header-only, stateless.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace redline::internal {

template <class T>
struct KeyedItem {
  std::uint64_t high = 0;  // key bytes [skip, skip+8), big-endian, zero-padded
  std::uint64_t low = 0;   // key bytes [skip+8, skip+16)
  std::string_view key;
  T item;
};

inline std::uint64_t big_endian_at(std::string_view key, std::size_t from) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value <<= 8;
    if (from + i < key.size()) value |= static_cast<unsigned char>(key[from + i]);
  }
  return value;
}

// Items in the byte order of their keys; among equal keys, in the order of `tie`.
template <class T, class Tie>
void sort_by_key(std::vector<KeyedItem<T>>* items, Tie tie) {
  if (items->empty()) return;
  // The prefix every key shares orders nothing.
  const std::string_view first = items->front().key;
  std::size_t skip = first.size();
  for (const auto& item : *items) {
    const std::size_t limit = std::min(skip, item.key.size());
    std::size_t i = 0;
    while (i < limit && item.key[i] == first[i]) ++i;
    skip = i;
  }
  for (auto& item : *items) {
    item.high = big_endian_at(item.key, skip);
    item.low = big_endian_at(item.key, skip + 8);
  }
  std::sort(items->begin(), items->end(), [&tie](const KeyedItem<T>& a, const KeyedItem<T>& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    // Zero padding makes "a" and "a\0" agree so far: the keys decide.
    if (const int order = a.key.compare(b.key); order != 0) return order < 0;
    return tie(a.item, b.item);
  });
}

}  // namespace redline::internal
