// The projection interface: how a read model is built from the log. Public: analysts write
// their own against this header (see projections/examples/ and the README).
//
// A projection folds events, in position order, into keys of its own in the store's
// `projections` column family. It never writes anything else: the runner
// (projection_store.h) owns its checkpoint and writes it in the same RocksDB WriteBatch as
// the state the projection produced up to that position, so the two can never disagree,
// whatever crashes. A projection is rebuilt by dropping its keys and folding again from
// position 1; it must give the same state as when it is maintained incrementally.
//
// A projection instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config.h"
#include "events/envelope.h"
#include "events/status.h"

namespace redline {

// The projection's own keys, as of the last event applied: what the store holds, overlaid
// with what this batch has written so far. Keys are the projection's own (the runner
// prefixes them with its name).
class ProjectionBatch {
 public:
  virtual ~ProjectionBatch() = default;
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  virtual void put(std::string_view key, std::string_view value) = 0;
  virtual void erase(std::string_view key) = 0;
  // Every key starting with `prefix`, in key order; stop early by returning false.
  virtual Status scan(std::string_view prefix,
                      const std::function<bool(std::string_view key, std::string_view value)>&
                          visitor) = 0;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // An identifier: 1-64 characters of A-Z a-z 0-9 _ . -
  virtual std::string name() const = 0;
  // Bump it when the stored format changes: a projection stored under another version is
  // rebuilt automatically on the next read.
  virtual std::uint32_t format_version() const { return 1; }
  // Folds one event (called for every event, in position order).
  virtual Status apply(const Envelope& event, ProjectionBatch& batch) = 0;
  // Whether apply() reads the data of events of this stream and type. For an event no
  // projection being folded needs, the log's reader skips decoding the data: apply() still
  // gets the event, with all its envelope fields, and a default value of its type as data.
  // Called from the log's reader thread while apply() runs: it must only look at its
  // arguments and at what the projection fixed when it was made.
  virtual bool needs_data(std::string_view stream, std::string_view type) const {
    (void)stream;
    (void)type;
    return true;
  }
  // A hint: `upcoming` will be applied soon (the runner shows each event some way ahead of
  // applying it, on the thread that applies). A projection may ask for the memory apply()
  // will touch, so that it arrives meanwhile; it must not change what apply() does.
  virtual void prefetch(const Envelope& upcoming) { (void)upcoming; }
  // Called before the runner writes the batch with the new checkpoint: a projection that
  // keeps decoded state in memory between events writes it here.
  virtual Status flush(ProjectionBatch& batch) {
    (void)batch;
    return Status::Ok();
  }
  // Called once a fold (a catch-up, a rebuild) has written everything up to the
  // checkpoint, even when there was nothing to fold, with a batch of its own that the
  // runner writes alone. A projection may write here what it derives from its stored keys
  // as a whole, such as a copy that reads faster; it must hold at the checkpoint, which
  // does not move. A crash before the write loses only that.
  virtual Status after_fold(ProjectionBatch& batch) {
    (void)batch;
    return Status::Ok();
  }
  // Forget any state kept in memory (its keys were dropped, or a write failed).
  virtual void reset() {}
};

// By default the runner folds this many events between two writes of state and checkpoints
// (a fold from position 1 writes after positions 1M, 2M, ...).
inline constexpr std::uint64_t kEventsPerFoldWrite = 1'000'000;

// What a projection may be configured by.
struct ProjectionSettings {
  // hazard_status keeps a history snapshot every this many events (for --as-of reads).
  std::uint64_t snapshot_every = 50'000;
  // A fold's write of at least this many keys (a rebuild, a long catch-up) is ingested as
  // sorted SST files instead of going through the memtable (projections/internal/
  // bulk_write.h); smaller ones are plain writes.
  std::uint64_t bulk_write_keys = 100'000;
  // A read of every hazard's state (status, an as-of read) holding at least this many bytes
  // is split between two threads (tests set it to 0 to split the smallest).
  std::uint64_t split_reads_from_bytes = 4u << 20;
  // How often the runner writes (tests set it low to fold across many writes).
  std::uint64_t events_per_write = kEventsPerFoldWrite;
  // How many decoded states a built-in projection keeps in memory (per kind of state).
  std::size_t state_cache_entries = 500'000;
};

// C++ projections are registered by name with a factory; the runner maintains every
// registered projection like a built-in. Register from a static initializer
// (REDLINE_REGISTER_PROJECTION) or before opening a ProjectionStore.
using ProjectionFactory =
    std::function<std::unique_ptr<Projection>(const ProjectionSettings& settings)>;

void register_projection(const std::string& name, ProjectionFactory factory);
// The registered projections, in registration order (the built-ins first).
std::vector<std::pair<std::string, ProjectionFactory>> registered_projections();
bool is_builtin_projection(std::string_view name);

}  // namespace redline

#define REDLINE_PROJECTION_CONCAT_INNER(a, b) a##b
#define REDLINE_PROJECTION_CONCAT(a, b) REDLINE_PROJECTION_CONCAT_INNER(a, b)
// Registers `Type` (constructible from const ProjectionSettings&) under `name` at start-up.
#define REDLINE_REGISTER_PROJECTION(name, Type)                                              \
  static const bool REDLINE_PROJECTION_CONCAT(redline_registered_projection_, __LINE__) =     \
      ([] {                                                                                  \
        ::redline::register_projection(name, [](const ::redline::ProjectionSettings& settings) { \
          return std::unique_ptr<::redline::Projection>(std::make_unique<Type>(settings));   \
        });                                                                                  \
        return true;                                                                         \
      })()
