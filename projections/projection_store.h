// ProjectionStore: runs every projection of a store — the built-ins (hazard_status,
// supervision_board, institution_scorecard, county_summary), the C++ projections
// registered with register_projection(), and the declarative ones added with
// `redline projection add` — and reads what they hold.
//
// Projections are caught up on read, not written in the commit of each command: every read
// of a projection first folds the events committed since its checkpoint. That keeps the
// command path at full speed (issue 3's throughput), gives one code path for incremental
// updates and rebuilds, and a store whose projections are behind (a crash, a new projection,
// a changed format) catches up by itself. Each batch of folded events is written as one
// RocksDB WriteBatch together with the new checkpoint, so state and checkpoint never
// disagree.
//
// Not thread-safe: one ProjectionStore per EventStore, used by one thread. Its reads of
// stored keys (get, scan, scan_range, middle_key) may be split across threads while
// nothing folds.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config.h"
#include "engine/event_store.h"
#include "projections/projection.h"

namespace redline {

struct ProjectionInfo {
  std::string name;
  std::string kind;  // built-in | c++ | declarative
  Position position;  // its checkpoint: the last event folded
  std::uint64_t lag = 0;  // events committed after it
};

// Called now and then while folding: the projection (or "all"), the last position folded
// and the head it is going to.
using ProjectionProgress =
    std::function<void(std::string_view name, Position done, Position head)>;

class ProjectionStore {
 public:
  static Result<std::unique_ptr<ProjectionStore>> open(EventStore& store,
                                                       const ProjectionSettings& settings);
  ~ProjectionStore();

  // Folds every projection up to the head.
  Status catch_up(const ProjectionProgress& progress = {});
  // Drops NAME's keys and folds it again from position 1.
  Status rebuild(std::string_view name, const ProjectionProgress& progress = {});
  std::vector<ProjectionInfo> list() const;
  // One projection's entry of list(); nullopt when there is none of that name.
  std::optional<ProjectionInfo> info(std::string_view name) const;
  bool has(std::string_view name) const;

  // Registers a declarative projection (its TOML text) to be maintained like a built-in
  // and folds it up to the head. invalid_field naming the key when the text is wrong;
  // conflict when the name is taken.
  Status add_declarative(std::string_view toml_text, const ProjectionProgress& progress = {});

  // A projection's stored keys (as of its checkpoint).
  Result<std::optional<std::string>> get(std::string_view name, std::string_view key) const;
  // A projection's keys starting with `prefix`, in order, each with its value, until the
  // visitor returns false.
  Status scan(std::string_view name, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visitor) const;
  // The same from the first key at or after `from` and before `to` (empty: to the prefix's
  // end).
  Status scan_range(std::string_view name, std::string_view prefix, std::string_view from, std::string_view to,
                    const std::function<bool(std::string_view key, std::string_view value)>& visitor) const;
  // A key within `prefix` that divides the bytes stored under it about in half, by RocksDB's
  // estimate from its index blocks: where to split a scan of the prefix between two threads.
  // Empty when the prefix holds fewer than `least_bytes`.
  std::string middle_key(std::string_view name, std::string_view prefix, std::uint64_t least_bytes) const;

  const ProjectionSettings& settings() const { return settings_; }
  EventStore& events() const { return store_; }

 private:
  struct Entry;
  ProjectionStore(EventStore& store, const ProjectionSettings& settings);
  Status load_checkpoints();
  // Folds the entries up to the head, then lets each write what it derives from the whole
  // (Projection::after_fold); `before_writing`, when given, is waited for before the fold's
  // first write and its error returned.
  Status fold(const std::vector<Entry*>& entries, const ProjectionProgress& progress,
              std::future<Status>* before_writing = nullptr);
  Status fold_events(const std::vector<Entry*>& entries, const ProjectionProgress& progress,
                     std::future<Status>* before_writing);
  Status after_fold(const std::vector<Entry*>& entries);
  // Deletes a projection's keys and checkpoint and resets it (drop_keys), then clears the
  // files they were in (clear_dropped).
  Status drop(Entry& entry);
  Status drop_keys(Entry& entry);
  Status clear_dropped(const std::string& name);
  Entry* find(std::string_view name) const;

  EventStore& store_;
  ProjectionSettings settings_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// The projections column family key of a projection's own key.
std::string projection_key(std::string_view name, std::string_view key);

}  // namespace redline
