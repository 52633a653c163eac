// StateCache<T>: decoded per-key state a projection keeps in memory between events, loaded
// from its ProjectionBatch on first use and written back (cereal binary) on flush. Bounded:
// two generations, the older dropped at a flush once over the limit. Internal to the
// built-in projections; one per projection, not thread-safe.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "events/archives.h"
#include "projections/projection.h"

namespace redline::internal {

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
  explicit StateCache(std::size_t limit = 500'000) : limit_(limit) {}

  // The state under `key`: from memory, else from the batch; a fresh one when absent
  // and `create`, else nullptr. `known_new` (the first event of a stream) skips the read.
  // Marked dirty: it is written back on flush.
  Result<T*> get(ProjectionBatch& batch, const std::string& key, bool create,
                 bool known_new = false) {
    auto found = current_.find(key);
    if (found == current_.end()) {
      auto old = previous_.find(key);
      if (old != previous_.end()) {
        found = current_.insert(previous_.extract(old)).position;
      } else if (known_new) {
        found = current_.emplace(key, T{}).first;
      } else {
        auto stored = batch.get(key);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) {
          if (!create) return static_cast<T*>(nullptr);
          found = current_.emplace(key, T{}).first;
        } else {
          auto decoded = decode_state<T>(**stored, key);
          if (!decoded.ok()) return decoded.status();
          found = current_.emplace(key, std::move(decoded).value()).first;
        }
      }
    }
    dirty_.insert(key);
    return &found->second;
  }

  // Writes the dirty states into the batch.
  void flush(ProjectionBatch& batch) {
    for (const auto& key : dirty_) {
      auto found = current_.find(key);
      if (found != current_.end()) batch.put(key, encode_state(found->second));
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
  std::size_t limit_;
  std::unordered_map<std::string, T> current_;
  std::unordered_map<std::string, T> previous_;
  std::unordered_set<std::string> dirty_;
};

}  // namespace redline::internal
