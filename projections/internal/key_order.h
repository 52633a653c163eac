// Sorting many items by byte-string keys that live elsewhere in memory (slices into a write
// batch, keys inside cached states) without a cache miss per comparison: each item carries
// the 32 bytes of its key that follow the prefix every key shares, big-endian in four
// integers, and the keys themselves are read only when those agree. Internal to the
// projections; header-only, stateless.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/store_layout.h"

namespace redline::internal {

template <class T>
struct KeyedItem {
  std::array<std::uint64_t, 4> words{};  // key bytes [skip, skip+32), big-endian, zero-padded
  std::string_view key;
  T item;
};

inline std::uint64_t big_endian_at(std::string_view key, std::size_t from) {
  if (from + 8 <= key.size()) return layout::load_u64_be(key.data() + from);  // most words
  if (from >= key.size()) return 0;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value <<= 8;
    if (from + i < key.size()) value |= static_cast<unsigned char>(key[from + i]);
  }
  return value;
}

// How far ahead the loops over keys elsewhere in memory ask for them: their cache misses
// then overlap instead of coming one after another.
inline constexpr std::size_t kPrefetchAhead = 16;

inline void prefetch(const void* address) { __builtin_prefetch(address, /*rw=*/0, /*locality=*/1); }

// Past this many ascending runs, sort_by_key sorts instead of merging them.
inline constexpr std::size_t kMostRunsToMerge = 64;

// The order of two items' words: negative, zero or positive. Word by word, inline: the
// arrays' own == and < call memcmp, then compare again (5% of a rebuild's fold thread).
template <class T>
int compare_words(const KeyedItem<T>& a, const KeyedItem<T>& b) {
  for (std::size_t w = 0; w < a.words.size(); ++w) {
    if (a.words[w] != b.words[w]) return a.words[w] < b.words[w] ? -1 : 1;
  }
  return 0;
}

// Whether two items of one sorted run have the same key (their words first).
template <class T>
bool same_key(const KeyedItem<T>& a, const KeyedItem<T>& b) {
  return compare_words(a, b) == 0 && a.key == b.key;
}

// Items in the byte order of their keys; among equal keys, in the order of `tie`.
template <class T, class Tie>
void sort_by_key(std::vector<KeyedItem<T>>* items, Tie tie) {
  if (items->empty()) return;
  // The prefix every key shares orders nothing.
  const std::string_view first = items->front().key;
  std::size_t skip = first.size();
  for (std::size_t n = 0; n < items->size(); ++n) {
    if (n + kPrefetchAhead < items->size()) prefetch((*items)[n + kPrefetchAhead].key.data());
    const std::string_view key = (*items)[n].key;
    const std::size_t limit = std::min(skip, key.size());
    std::size_t i = 0;
    while (i < limit && key[i] == first[i]) ++i;
    skip = i;
  }
  for (std::size_t n = 0; n < items->size(); ++n) {
    if (n + kPrefetchAhead < items->size()) prefetch((*items)[n + kPrefetchAhead].key.data() + skip);
    auto& item = (*items)[n];
    for (std::size_t w = 0; w < item.words.size(); ++w) item.words[w] = big_endian_at(item.key, skip + 8 * w);
  }
  const auto before = [&tie](const KeyedItem<T>& a, const KeyedItem<T>& b) {
    if (const int words = compare_words(a, b); words != 0) return words < 0;
    // Zero padding makes "a" and "a\0" agree so far: the keys decide.
    if (const int order = a.key.compare(b.key); order != 0) return order < 0;
    return tie(a.item, b.item);
  };
  // Items that arrive as a few sorted runs one after another (a write batch of history
  // snapshots, each written in key order, then the states) are merged: one pass instead of
  // a sort's twenty.
  std::vector<std::size_t> run_starts{0};
  for (std::size_t n = 1; n < items->size() && run_starts.size() <= kMostRunsToMerge; ++n) {
    if (before((*items)[n], (*items)[n - 1])) run_starts.push_back(n);
  }
  if (run_starts.size() > kMostRunsToMerge) {
    // Sorted as 16-byte {first word, index} pairs, then moved into place once: sorting the
    // items themselves moved each some twenty times, and the first word almost always
    // decides (the state caches' keys fit in it whole).
    struct Ranked {
      std::uint64_t word;
      std::size_t index;
    };
    std::vector<Ranked> ranked(items->size());
    for (std::size_t n = 0; n < items->size(); ++n) ranked[n] = Ranked{(*items)[n].words[0], n};
    std::sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
      if (a.word != b.word) return a.word < b.word;
      return before((*items)[a.index], (*items)[b.index]);
    });
    std::vector<KeyedItem<T>> sorted;
    sorted.reserve(items->size());
    for (const Ranked& r : ranked) sorted.push_back(std::move((*items)[r.index]));
    items->swap(sorted);
    return;
  }
  if (run_starts.size() == 1) return;
  // All runs at once through a heap of their heads, each item moved once: merging them two
  // by two moved every item once per pass, five passes for a rebuild write's twenty-odd
  // runs. A head carries its item's first word, which decides most comparisons.
  struct Head {
    std::uint64_t word;
    std::size_t next;  // its run's item on top
    std::size_t end;
    std::size_t run;
  };
  // Of equal items the earlier run's come first: ties keep their order.
  const auto earlier = [&](const Head& a, const Head& b) {
    if (a.word != b.word) return a.word < b.word;
    const KeyedItem<T>& x = (*items)[a.next];
    const KeyedItem<T>& y = (*items)[b.next];
    if (before(x, y)) return true;
    if (before(y, x)) return false;
    return a.run < b.run;
  };
  std::vector<Head> heads;
  for (std::size_t r = 0; r < run_starts.size(); ++r) {
    const std::size_t end = r + 1 < run_starts.size() ? run_starts[r + 1] : items->size();
    heads.push_back(Head{(*items)[run_starts[r]].words[0], run_starts[r], end, r});
  }
  const auto sift_down = [&](std::size_t at) {
    for (;;) {
      std::size_t child = 2 * at + 1;
      if (child >= heads.size()) return;
      if (child + 1 < heads.size() && earlier(heads[child + 1], heads[child])) ++child;
      if (!earlier(heads[child], heads[at])) return;
      std::swap(heads[at], heads[child]);
      at = child;
    }
  };
  for (std::size_t at = heads.size() / 2; at-- > 0;) sift_down(at);
  std::vector<KeyedItem<T>> merged;
  merged.reserve(items->size());
  while (!heads.empty()) {
    Head& top = heads.front();
    merged.push_back(std::move((*items)[top.next]));
    if (++top.next == top.end) {
      top = heads.back();
      heads.pop_back();
    } else {
      top.word = (*items)[top.next].words[0];
    }
    sift_down(0);
  }
  items->swap(merged);
}

}  // namespace redline::internal
