// StateCache<T>: decoded per-key state a projection keeps in memory between events, loaded
// from its ProjectionBatch on first use and written back (cereal binary) on flush. Bounded:
// two generations, the older dropped at a flush once over the limit. Internal to the
// built-in projections; one per projection, not thread-safe.
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "events/archives.h"
#include "projections/internal/key_order.h"
#include "projections/internal/slot_index.h"
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

// Puts no read of this batch needs to see: unindexed when the batch allows it (asked once,
// not per put: a flush makes hundreds of thousands).
class UnreadPuts {
 public:
  explicit UnreadPuts(ProjectionBatch& batch) : batch_(batch), unindexed_(dynamic_cast<UnindexedPut*>(&batch)) {}
  void put(std::string_view key, std::string_view value) {
    if (unindexed_ != nullptr) {
      unindexed_->put_unindexed(key, value);
    } else {
      batch_.put(key, value);
    }
  }

 private:
  ProjectionBatch& batch_;
  UnindexedPut* unindexed_;
};

// A state type with its own codec, without a cereal archive: append_state_bytes and
// read_state_bytes, found by argument-dependent lookup (internal/hazard_state_format.h).
template <class T>
concept HasDirectStateBytes = requires(const T& state, T& into, std::string* bytes, BoundedReader& reader) {
  append_state_bytes(state, bytes);
  read_state_bytes(reader, into);
};

// At the end of `bytes`.
template <class T>
void append_encoded_state(const T& state, std::string* bytes) {
  if constexpr (HasDirectStateBytes<T>) {
    append_state_bytes(state, bytes);
  } else {
    StringOutputArchive archive(bytes);
    archive(state);
  }
}
// Into `bytes` (cleared first; its storage is reused by callers encoding many states).
template <class T>
void encode_state_into(const T& state, std::string* bytes) {
  bytes->clear();
  append_encoded_state(state, bytes);
}
template <class T>
std::string encode_state(const T& state) {
  std::string bytes;
  encode_state_into(state, &bytes);
  return bytes;
}

// Into `*state` (every field overwritten), so a caller can decode where the state will
// live instead of moving it there.
template <class T>
Status decode_state_into(std::string_view bytes, std::string_view what, T* state) {
  try {
    std::size_t left = 0;
    if constexpr (HasDirectStateBytes<T>) {
      BoundedReader reader(bytes);
      read_state_bytes(reader, *state);
      left = reader.remaining();
    } else {
      BoundedInputArchive archive(bytes);
      archive(*state);
      left = archive.remaining();
    }
    if (left != 0) {
      return Status(ErrorCode::corruption, "stored " + std::string(what) + " has " + std::to_string(left) +
                                               " bytes too many");
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status(ErrorCode::corruption, "stored " + std::string(what) + " is unreadable: " + e.what());
  }
}
template <class T>
Result<T> decode_state(std::string_view bytes, std::string_view what) {
  T state;
  REDLINE_RETURN_IF_ERROR(decode_state_into(bytes, what, &state));
  return state;
}

template <class T>
class StateCache {
 public:
  // A state, its key and what the cache and its owner know about it. Its address is stable
  // for as long as the cache keeps it: a flush drops untouched, unmarked slots of the older
  // generation only.
  struct Slot {
    std::string key;
    T state{};
    bool dirty = false;
    bool marked = false;  // for the owner (hazard_status: changed since the last snapshot)
  };

  explicit StateCache(std::size_t limit = 500'000) : limit_(limit) {}

  // The state under `key`: from memory, else from the batch; a fresh one when absent
  // and `create`, else nullptr. `known_new` (the first event of a stream) skips the read.
  // Marked dirty: it is written back on flush.
  Result<Slot*> slot(ProjectionBatch& batch, std::string_view key, bool create, bool known_new = false) {
    return slot_hashed(batch, key, hash_of(key), create, known_new);
  }
  // The same with the key's hash_of() at hand (prefetch_key returned it).
  Result<Slot*> slot_hashed(ProjectionBatch& batch, std::string_view key, std::size_t hash, bool create,
                            bool known_new = false) {
    Slot* found = current_.find(key, hash);
    if (found == nullptr) {
      REDLINE_ASSIGN(found, find_elsewhere(batch, key, hash, create, known_new));
      if (found == nullptr) return found;
    }
    if (!found->dirty) {
      found->dirty = true;
      dirty_.push_back(found);
    }
    return found;
  }
  // A hint that `key` will be looked up soon (a fold calls it for the event some way
  // ahead of the one it applies): asks for the buckets its lookup starts at now, and for
  // the slot of the key hinted kSlotStage hints ago, whose buckets should have arrived by
  // now. Changes nothing a lookup returns. Returns the key's hash_of().
  std::size_t prefetch_key(std::string_view key) {
    const std::size_t hash = hash_of(key);
    current_.prefetch_bucket(hash);
    previous_.prefetch_bucket(hash);
    std::size_t& hinted = hinted_[hints_++ % hinted_.size()];
    if (hints_ > hinted_.size()) {
      const Slot* slot = current_.peek(hinted);
      if (slot == nullptr) slot = previous_.peek(hinted);
      if (slot != nullptr) prefetch_slot(slot);
    }
    hinted = hash;
    return hash;
  }
  static std::size_t hash_of(std::string_view key) { return std::hash<std::string_view>()(key); }

  Result<T*> get(ProjectionBatch& batch, std::string_view key, bool create, bool known_new = false) {
    auto found = slot(batch, key, create, known_new);
    if (!found.ok()) return found.status();
    return *found == nullptr ? static_cast<T*>(nullptr) : &(*found)->state;
  }

  // Writes the dirty states into the batch (only right before the batch is written).
  void flush(ProjectionBatch& batch) {
    // In key order: RocksDB's memtable inserts a run of ascending keys next to the previous
    // one instead of searching its skiplist from the top for each.
    std::vector<KeyedItem<Slot*>> in_order;
    in_order.reserve(dirty_.size());
    for (Slot* slot : dirty_) in_order.push_back({{}, slot->key, slot});
    sort_by_key(&in_order, [](const Slot*, const Slot*) { return false; });  // keys are unique
    std::string encoded;
    UnreadPuts puts(batch);
    for (std::size_t i = 0; i < in_order.size(); ++i) {
      if (i + kPrefetchAhead < in_order.size()) prefetch_slot(in_order[i + kPrefetchAhead].item);
      Slot* slot = in_order[i].item;
      encode_state_into(slot->state, &encoded);
      puts.put(slot->key, encoded);
      slot->dirty = false;
    }
    dirty_.clear();
    if (current_.size() + previous_.size() > limit_) {
      // The older generation goes, except what the owner still marks (it holds pointers to
      // those): they join the younger one. A dropped state was written by an earlier flush
      // than this one (it was not touched since it aged), so a runner that writes batches
      // in the background need only finish the previous batch before reads resume.
      Index survivors;
      previous_.drain(&survivors, [](const Slot& slot) { return slot.marked; });
      previous_ = std::move(current_);
      current_ = std::move(survivors);
    }
  }

  void reset() {
    current_.clear();
    previous_.clear();
    dirty_.clear();
    hints_ = 0;
  }

 private:
  // Asks for a slot's memory ahead of a loop reaching it.
  static void prefetch_slot(const Slot* slot) {
    const char* bytes = reinterpret_cast<const char*>(slot);
    for (std::size_t offset = 0; offset < sizeof(Slot); offset += 64) internal::prefetch(bytes + offset);
  }
  using Index = SlotIndex<Slot>;
  // How many hints pass between asking for a key's buckets and for its slot.
  static constexpr std::size_t kSlotStage = 8;

  static std::unique_ptr<Slot> fresh(std::string_view key) {
    auto slot = std::make_unique<Slot>();
    slot->key.assign(key);
    return slot;
  }
  // A key not in the younger generation: from the older one, else from the batch.
  Result<Slot*> find_elsewhere(ProjectionBatch& batch, std::string_view key, std::size_t hash, bool create,
                               bool known_new) {
    if (auto old = previous_.take(key, hash)) return current_.insert(std::move(old), hash);
    if (known_new) return current_.insert(fresh(key), hash);
    auto stored = batch.get(key);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      if (!create) return static_cast<Slot*>(nullptr);
      return current_.insert(fresh(key), hash);
    }
    auto slot = fresh(key);
    REDLINE_RETURN_IF_ERROR(decode_state_into(**stored, key, &slot->state));
    return current_.insert(std::move(slot), hash);
  }

  std::size_t limit_;
  Index current_;
  Index previous_;
  std::vector<Slot*> dirty_;  // slots of current_
  std::array<std::size_t, kSlotStage> hinted_{};  // the last hints' hashes, a ring
  std::size_t hints_ = 0;
};

}  // namespace redline::internal
