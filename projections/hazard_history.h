// Reading hazard_status at a point in history (SPEC §5 "As of"): `--position N` (the log
// up to N), `--known-at TIME` (what was recorded by TIME) and `--as-of TIME` (events whose
// business time occurred_at is ≤ TIME, wherever they are in the log).
//
// hazard_status keeps, every `snapshot_every` events, the state at that position of each
// hazard changed since the previous snapshot (key "hist/E ID\0P", E the snapshot's epoch:
// which `history_epoch` positions it falls in, a million by default), and for the snapshot the latest occurred_at of the events up to
// it ("snap/P"). Epochs keep what one write of a rebuild adds (a million events) apart from
// everything written before it, so that RocksDB takes it in without merging it into older
// files; a hazard's state at a snapshot is its latest record at or before it, in that
// epoch or the last earlier one that has one. A read at a point starts from the
// current state, takes the latest snapshot P that contains only events the point includes,
// and re-folds just the hazards touched after P: from their state at P, through the events
// after P that the point includes. Its cost follows the events after P, not the length of
// the log. Thread-safe as far as the ProjectionStore is (one thread).
#pragma once

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
inline constexpr std::string_view kEpochKey = "epoch";  // the epoch length its records use
inline constexpr std::string_view kPendingKey = "pending";
inline constexpr std::string_view kHistoryPrefix = "hist/";
inline constexpr std::string_view kSnapshotPrefix = "snap/";
// Epoch n holds snapshots n*length+1 .. (n+1)*length.
std::uint64_t history_epoch(Position snapshot, std::uint64_t length);
std::string history_key(std::string_view hazard_id, Position snapshot, std::uint64_t epoch_length);
// The same into `key`, reusing its buffer (a rebuild writes millions).
void history_key_into(std::string_view hazard_id, Position snapshot, std::uint64_t epoch_length, std::string* key);
// The prefix of a hazard's records within one epoch.
std::string history_prefix(std::string_view hazard_id, std::uint64_t epoch);
// The epoch length in a stored kEpochKey record (none stored: kEventsPerFoldWrite, as no
// record was written yet); corruption when malformed.
Result<std::uint64_t> read_epoch_length(const std::optional<std::string>& stored);
std::string snapshot_key(Position snapshot);
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
