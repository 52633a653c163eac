// Reading hazard_status at a point in history (SPEC §5 "As of"): `--position N` (the log
// up to N), `--known-at TIME` (what was recorded by TIME) and `--as-of TIME` (events whose
// business time occurred_at is ≤ TIME, wherever they are in the log).
//
// hazard_status keeps its history as pre-images: when a hazard first changes after a
// snapshot P (one every `snapshot_every` events), its state at P. A write stores its
// pre-images of P in runs of up to kStatesPerRun, in id order, each under "pre/P ID" of
// its first (P big-endian, so each snapshot's records lie together and later snapshots'
// after them): RocksDB's cost is mostly per entry, and a rebuild writes millions of
// pre-images. For each snapshot it keeps the latest occurred_at of the events up to it
// ("snap/P"). A hazard reported after P has no pre-image there. A read at a point starts
// from every hazard's state, takes the latest snapshot P that contains only events the
// point includes, and re-folds just the hazards touched after P: from their state at P,
// through the events after P that the point includes. A touched hazard's state at P is its
// first pre-image at or after P (it did not change in between), so all of them come from
// one range scan from "pre/P"; its cost, like the replay's, follows the events after P,
// not the length of the log. A rebuild's writes add keys past everything written before
// them, which RocksDB takes in without merging them into older files.
//
// Every hazard's state is read from the pack when it can be: a copy of every hazard's
// state at the latest snapshot, in runs of kStatesPerRun under "pack/ID" of their first
// (a run of 64 reads for about the cost of four of the "h/" entries it replaces). hazard_status
// writes it after a fold that took a new snapshot ("packed" holds its snapshot). A read
// from a snapshot at or before the pack's takes every hazard from the pack: those it
// re-folds are all the hazards changed since, so the others hold the same state now, at
// the pack and at the read's snapshot. A read from a later snapshot (the pack's write was
// lost in a crash) takes them from "h/" instead. Thread-safe as far as the ProjectionStore
// is (one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config.h"
#include "engine/domain/state.h"
#include "projections/projection_store.h"

namespace redline {

namespace history {
inline constexpr std::string_view kMaxOccurredKey = "maxocc";
inline constexpr std::string_view kPendingKey = "pending";  // hazards changed since the last snapshot
inline constexpr std::string_view kLastSnapshotKey = "lastsnap";
inline constexpr std::string_view kPreImagePrefix = "pre/";
inline constexpr std::string_view kSnapshotPrefix = "snap/";
inline constexpr std::string_view kPackPrefix = "pack/";
inline constexpr std::string_view kPackedAtKey = "packed";  // the pack's snapshot (none: no pack)
// "pre/P ID": the run of pre-images at snapshot P whose first is hazard ID's (none for
// P = 0: nothing existed then).
std::string pre_image_key(Position snapshot, std::string_view hazard_id);
// The same into `key`, reusing its buffer.
void pre_image_key_into(Position snapshot, std::string_view hazard_id, std::string* key);
std::string snapshot_key(Position snapshot);

// A position recorded under one of the keys above (the last snapshot, the pack's), as a
// read of it returned it: none when the key is absent; corruption naming `what` when its
// value is not one.
Result<std::optional<Position>> recorded_position(Result<std::optional<std::string>> stored, std::string_view what);

// A run's value (pre-images, and the pack): hazards' states one after another, each a u32
// id size, the id, a u32 state size and the encoded state (sizes little-endian), in id
// order.
inline constexpr std::size_t kStatesPerRun = 64;
void append_to_run(std::string_view hazard_id, std::string_view state, std::string* run);

// Reads a run's states in order. Not thread-safe; the bytes must outlive it.
class StateRun {
 public:
  explicit StateRun(std::string_view bytes) : rest_(bytes) {}
  // The next state; false at the end of the run, or where it stops making sense
  // (then malformed()).
  bool next(std::string_view* hazard_id, std::string_view* state);
  bool malformed() const { return malformed_; }

 private:
  bool take_sized(std::string_view* field);

  std::string_view rest_;
  bool malformed_ = false;
};
}  // namespace history

struct ReadPoint {
  enum class Kind { head, position, as_of, known_at };
  Kind kind = Kind::head;
  Position position{0};  // for position
  Timestamp time{0};     // for as_of and known_at
};

struct HazardBoard {
  Position position;  // the last event the answer includes (for as_of: the head)
  std::map<std::string, HazardState> hazards;  // by hazard id
};

// Every hazard's state at `point`. hazard_status must be caught up. invalid_field for a
// position past the head.
Result<HazardBoard> hazard_states_at(const ProjectionStore& projections, const ReadPoint& point);

// The hazards listed now: the supervision_board's entries with their hazard_status states
// (both caught up), without reading every hazard.
Result<HazardBoard> listed_hazards_now(const ProjectionStore& projections);

// The last position recorded at or before `time` (0 when none): recorded_at grows with the
// position, so a binary search over the log.
Result<Position> last_position_known_at(const EventStore& store, Timestamp time);

}  // namespace redline
