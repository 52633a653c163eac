// StateCache<T>: decoded per-key state a projection keeps in memory between events, loaded
// from its ProjectionBatch on first use and written back (cereal binary) on flush. Bounded:
// two generations, the older dropped at a flush once over the limit. Internal to the
// built-in projections; one per projection, not thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "events/archives.h"
#include "projections/projection.h"

namespace redline::internal {

// A write into a projection batch that no later read of the same batch needs to see: the
// runner's batch skips its read index (a StateCache writes its states only right before the
// batch is written, and keeps them in memory itself).
class UnindexedPut {
 public:
  virtual ~UnindexedPut() = default;
  virtual void put_unindexed(std::string_view key, std::string_view value) = 0;
};

// A put no read of this batch needs to see: unindexed when the batch allows it.
inline void put_unread(ProjectionBatch& batch, std::string_view key, std::string_view value) {
  if (auto* unindexed = dynamic_cast<UnindexedPut*>(&batch)) {
    unindexed->put_unindexed(key, value);
  } else {
    batch.put(key, value);
  }
}

template <class T>
std::string encode_state(const T& state) {
  std::string bytes;
  StringOutputArchive archive(&bytes);
  archive(state);
  return bytes;
}

template <class T>
Result<T> decode_state(std::string_view bytes, std::string_view what) {
  try {
    T state;
    BoundedInputArchive archive(bytes);
    archive(state);
    return state;
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, "stored " + std::string(what) + " is unreadable: " + e.what());
  }
}

template <class T>
class StateCache {
 public:
  // A state and what the cache and its owner know about it. Addresses are stable until the
  // next flush.
  struct Slot {
    T state{};
    bool dirty = false;
    bool marked = false;  // for the owner (hazard_status: changed since the last snapshot)
  };

  explicit StateCache(std::size_t limit = 500'000) : limit_(limit) {}

  // The state under `key`: from memory, else from the batch; a fresh one when absent
  // and `create`, else nullptr. `known_new` (the first event of a stream) skips the read.
  // Marked dirty: it is written back on flush.
  Result<Slot*> slot(ProjectionBatch& batch, const std::string& key, bool create,
                     bool known_new = false) {
    auto found = current_.find(key);
    if (found == current_.end()) {
      auto old = previous_.find(key);
      if (old != previous_.end()) {
        found = current_.insert(previous_.extract(old)).position;
      } else if (known_new) {
        found = current_.emplace(key, Slot{}).first;
      } else {
        auto stored = batch.get(key);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) {
          if (!create) return static_cast<Slot*>(nullptr);
          found = current_.emplace(key, Slot{}).first;
        } else {
          auto decoded = decode_state<T>(**stored, key);
          if (!decoded.ok()) return decoded.status();
          found = current_.emplace(key, Slot{std::move(decoded).value()}).first;
        }
      }
    }
    Slot& slot = found->second;
    if (!slot.dirty) {
      slot.dirty = true;
      dirty_.push_back(&*found);
    }
    return &slot;
  }
  Result<T*> get(ProjectionBatch& batch, const std::string& key, bool create,
                 bool known_new = false) {
    auto found = slot(batch, key, create, known_new);
    if (!found.ok()) return found.status();
    return *found == nullptr ? static_cast<T*>(nullptr) : &(*found)->state;
  }

  // Writes the dirty states into the batch (only right before the batch is written).
  void flush(ProjectionBatch& batch) {
    // In key order: RocksDB's memtable inserts a run of ascending keys next to the previous
    // one instead of searching its skiplist from the top for each.
    std::sort(dirty_.begin(), dirty_.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (auto* entry : dirty_) {
      put_unread(batch, entry->first, encode_state(entry->second.state));
      entry->second.dirty = false;
    }
    dirty_.clear();
    if (current_.size() + previous_.size() > limit_) {
      previous_ = std::move(current_);
      current_.clear();
    }
  }

  void reset() {
    current_.clear();
    previous_.clear();
    dirty_.clear();
  }

 private:
  using Map = std::unordered_map<std::string, Slot>;
  std::size_t limit_;
  Map current_;
  Map previous_;
  std::vector<typename Map::value_type*> dirty_;  // entries of current_
};

}  // namespace redline::internal
