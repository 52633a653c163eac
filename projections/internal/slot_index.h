// SlotIndex<Slot>: the slots of a StateCache generation by key, in an open-addressing table
// (linear probing, power-of-two capacity, at most half full) of {hash, slot} buckets. Unlike
// a library map, the bucket a key starts at follows from its hash alone, so a fold can ask
// for a bucket, and then for the slot it names, several events before it looks the key up:
// with hundreds of thousands of states neither is in the CPU's caches, and those two misses
// were a third of a hazard fold's time. Owns its slots (`Slot` has a `std::string key`).
// Internal to the projections; not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "projections/internal/key_order.h"

namespace redline::internal {

template <class Slot>
class SlotIndex {
 public:
  SlotIndex() = default;
  SlotIndex(SlotIndex&& other) noexcept { swap(other); }
  SlotIndex& operator=(SlotIndex&& other) noexcept {
    if (this != &other) {
      clear();
      swap(other);
    }
    return *this;
  }
  SlotIndex(const SlotIndex&) = delete;
  SlotIndex& operator=(const SlotIndex&) = delete;
  ~SlotIndex() { clear(); }

  std::size_t size() const { return size_; }

  Slot* find(std::string_view key, std::size_t hash) const {
    if (size_ == 0) return nullptr;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Bucket& bucket = buckets_[i];
      if (bucket.slot == nullptr) return nullptr;
      if (bucket.hash == hash && bucket.slot->key == key) return bucket.slot;
    }
  }

  // `key` (the slot's) must not be in the index.
  Slot* insert(std::unique_ptr<Slot> slot, std::size_t hash) {
    if (2 * (size_ + 1) > buckets_.size()) grow();
    Slot* raw = slot.release();
    place(Bucket{hash, raw});
    ++size_;
    return raw;
  }

  // Removes the slot under `key` and hands it over; nullptr when absent.
  std::unique_ptr<Slot> take(std::string_view key, std::size_t hash) {
    if (size_ == 0) return nullptr;
    std::size_t i = hash & mask_;
    for (;; i = (i + 1) & mask_) {
      const Bucket& bucket = buckets_[i];
      if (bucket.slot == nullptr) return nullptr;
      if (bucket.hash == hash && bucket.slot->key == key) break;
    }
    std::unique_ptr<Slot> taken(buckets_[i].slot);
    // Backward-shift deletion: later entries of the probe run move up, so that no lookup
    // meets an empty bucket before reaching its key.
    for (std::size_t j = (i + 1) & mask_; buckets_[j].slot != nullptr; j = (j + 1) & mask_) {
      const std::size_t home = buckets_[j].hash & mask_;
      // The entry at j may move to i unless its home lies cyclically in (i, j].
      const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!stays) {
        buckets_[i] = buckets_[j];
        i = j;
      }
    }
    buckets_[i] = Bucket{};
    --size_;
    return taken;
  }

  // Asks for the bucket a lookup of `hash` starts at.
  void prefetch_bucket(std::size_t hash) const {
    if (!buckets_.empty()) prefetch(&buckets_[hash & mask_]);
  }
  // The first slot whose hash is `hash` (no key comparison: for prefetching only).
  const Slot* peek(std::size_t hash) const {
    if (size_ == 0) return nullptr;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Bucket& bucket = buckets_[i];
      if (bucket.slot == nullptr) return nullptr;
      if (bucket.hash == hash) return bucket.slot;
    }
  }

  // Moves the slots `keep` accepts into `into`; deletes the rest; leaves this empty.
  template <class Keep>
  void drain(SlotIndex* into, Keep keep) {
    for (Bucket& bucket : buckets_) {
      if (bucket.slot == nullptr) continue;
      if (keep(*bucket.slot)) {
        into->insert(std::unique_ptr<Slot>(bucket.slot), bucket.hash);
      } else {
        delete bucket.slot;
      }
      bucket = Bucket{};
    }
    size_ = 0;
  }

  void clear() {
    for (Bucket& bucket : buckets_) delete bucket.slot;
    buckets_.clear();
    buckets_.shrink_to_fit();
    mask_ = 0;
    size_ = 0;
  }

 private:
  struct Bucket {
    std::size_t hash = 0;
    Slot* slot = nullptr;  // none: empty
  };
  static constexpr std::size_t kMinBuckets = 1024;

  void place(Bucket entry) {
    std::size_t i = entry.hash & mask_;
    while (buckets_[i].slot != nullptr) i = (i + 1) & mask_;
    buckets_[i] = entry;
  }
  void grow() {
    std::vector<Bucket> old = std::move(buckets_);
    buckets_.assign(old.empty() ? kMinBuckets : 2 * old.size(), Bucket{});
    mask_ = buckets_.size() - 1;
    for (const Bucket& bucket : old) {
      if (bucket.slot != nullptr) place(bucket);
    }
  }
  void swap(SlotIndex& other) noexcept {
    std::swap(buckets_, other.buckets_);
    std::swap(mask_, other.mask_);
    std::swap(size_, other.size_);
  }

  std::vector<Bucket> buckets_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace redline::internal
