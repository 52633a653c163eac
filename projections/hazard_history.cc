#include "projections/hazard_history.h"

#include <rocksdb/db.h>

#include <future>


#include "engine/replay.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "projections/builtin_projections.h"

namespace redline {

namespace history {
std::string history_key(std::string_view hazard_id, Position snapshot) {
  std::string key(kHistoryPrefix);
  key.append(hazard_id);
  key.push_back('\0');
  layout::append_u64_be(&key, snapshot.value());
  return key;
}
std::string snapshot_key(Position snapshot) {
  std::string key(kSnapshotPrefix);
  layout::append_u64_be(&key, snapshot.value());
  return key;
}
}  // namespace history

namespace {

Status read_current(const ProjectionStore& projections, HazardBoard* board) {
  Status decoded = Status::Ok();
  REDLINE_RETURN_IF_ERROR(projections.scan(kHazardStatus, "h/", [&](std::string_view key, std::string_view value) {
    auto state = decode_hazard_state(value);
    if (!state.ok()) {
      decoded = state.status();
      return false;
    }
    // Keys come in order: each goes at the end.
    board->hazards.emplace_hint(board->hazards.end(), std::string(key.substr(2)),
                                std::move(state).value());
    return true;
  }));
  return decoded;
}

// The last event hazard_status has folded.
Position hazard_status_position(const ProjectionStore& projections) {
  const auto info = projections.info(kHazardStatus);
  return info ? info->position : Position(0);
}

// The latest snapshot whose events the point wholly includes (0: the empty start).
Result<Position> starting_snapshot(const ProjectionStore& projections, const ReadPoint& point,
                                   Position until) {
  Position best(0);
  Status malformed = Status::Ok();
  REDLINE_RETURN_IF_ERROR(projections.scan(kHazardStatus, history::kSnapshotPrefix,
                                           [&](std::string_view key, std::string_view value) {
    auto position = layout::read_u64_be(key.substr(history::kSnapshotPrefix.size()));
    auto max_occurred = layout::read_u64_be(value);
    if (!position || !max_occurred) {
      malformed = Status(ErrorCode::corruption, "malformed hazard_status snapshot record");
      return false;
    }
    if (Position(*position) > until) return false;
    if (point.kind == ReadPoint::Kind::as_of &&
        Timestamp(static_cast<std::int64_t>(*max_occurred)) > point.time) {
      return false;  // later snapshots hold events after the time too
    }
    best = Position(*position);
    return true;
  }));
  REDLINE_RETURN_IF_ERROR(malformed);
  return best;
}

}  // namespace

Result<HazardBoard> listed_hazards_now(const ProjectionStore& projections) {
  HazardBoard board;
  board.position = hazard_status_position(projections);
  std::vector<std::string> listed;
  REDLINE_RETURN_IF_ERROR(projections.scan(kSupervisionBoard, "l/", [&](std::string_view key, std::string_view) {
    listed.emplace_back(key.substr(2));
    return true;
  }));
  for (const auto& id : listed) {
    auto stored = projections.get(kHazardStatus, "h/" + id);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      return Status(ErrorCode::corruption, "listed hazard " + id + " has no hazard_status entry");
    }
    auto state = decode_hazard_state(**stored);
    if (!state.ok()) return state.status();
    board.hazards.emplace(id, std::move(state).value());
  }
  return board;
}

Result<Position> last_position_known_at(const EventStore& store, Timestamp time) {
  std::uint64_t low = 0;  // known: recorded by then (0 = nothing)
  std::uint64_t high = store.head().position.value() + 1;  // known: not recorded by then
  while (high - low > 1) {
    const std::uint64_t middle = low + (high - low) / 2;
    auto raw = store.read_raw(Position(middle));
    if (!raw.ok()) return raw.status();
    auto header = decode_header(*raw);
    if (!header.ok()) return header.status();
    (header->recorded_at <= time ? low : high) = middle;
  }
  return Position(low);
}

namespace {

using Refolded = std::map<std::string, std::optional<HazardState>>;

// Every hazard touched after the snapshot: its state at the snapshot, then the events after
// it that the point includes (nullopt: it did not exist at the point). The history lookups
// go in id order, so they read the history keys front to back instead of at random.
Result<Refolded> refold_after(const ProjectionStore& projections, const ReadPoint& resolved,
                              Position start, Position head) {
  std::vector<Envelope> touched;
  Status replayed = replay(projections.events(), start.next(), [&](const Envelope& event) {
    if (event.position > head) return false;
    if (event.stream.starts_with("hazard-")) touched.push_back(event);
    return true;
  });
  REDLINE_RETURN_IF_ERROR(replayed);
  Refolded refolded;
  for (const Envelope& event : touched) refolded.emplace(event.stream.substr(7), std::nullopt);
  if (start > Position(0)) {
    auto history_reader = projections.floor_reader(kHazardStatus);
    for (auto& [id, state] : refolded) {
      auto stored = history_reader->floor(history::history_key(id, start),
                                          std::string(history::kHistoryPrefix).append(id).append(1, '\0'));
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) continue;
      auto decoded = decode_hazard_state(**stored);
      if (!decoded.ok()) return decoded.status();
      state = std::move(decoded).value();
    }
  }
  for (const Envelope& event : touched) {
    const bool included = resolved.kind == ReadPoint::Kind::position
                              ? event.position <= resolved.position
                              : event.occurred_at <= resolved.time;
    if (!included) continue;
    auto& state = refolded[event.stream.substr(7)];
    if (!state) state.emplace();
    apply(*state, facts_of(event));
  }
  return refolded;
}

}  // namespace

Result<HazardBoard> hazard_states_at(const ProjectionStore& projections, const ReadPoint& point) {
  HazardBoard board;
  const Position head = hazard_status_position(projections);
  board.position = head;

  ReadPoint resolved = point;
  if (point.kind == ReadPoint::Kind::known_at) {
    auto known = last_position_known_at(projections.events(), point.time);
    if (!known.ok()) return known.status();
    resolved = ReadPoint{ReadPoint::Kind::position, *known, Timestamp(0)};
  }
  if (resolved.kind == ReadPoint::Kind::position) {
    if (resolved.position > head) {
      return Status(ErrorCode::invalid_field,
                    "position " + std::to_string(resolved.position.value()) +
                        " is past the head (" + std::to_string(head.value()) + ")");
    }
    if (resolved.position == head) resolved = ReadPoint{};
  }
  if (resolved.kind == ReadPoint::Kind::head) {
    REDLINE_RETURN_IF_ERROR(read_current(projections, &board));
    return board;
  }
  if (resolved.kind == ReadPoint::Kind::position) board.position = resolved.position;
  const Position until = resolved.kind == ReadPoint::Kind::position ? resolved.position : head;
  auto start = starting_snapshot(projections, resolved, until);
  if (!start.ok()) return start.status();

  // The hazards touched after the snapshot are re-folded on a second thread while this one
  // reads everyone's current state (both only read the store).
  auto refolding = std::async(std::launch::async, [&] {
    return refold_after(projections, resolved, *start, head);
  });
  const Status current = read_current(projections, &board);
  auto refolded = refolding.get();
  REDLINE_RETURN_IF_ERROR(current);
  if (!refolded.ok()) return refolded.status();
  for (auto& [id, state] : *refolded) {
    if (state && state->exists) {
      board.hazards[id] = std::move(*state);
    } else {
      board.hazards.erase(id);
    }
  }
  return board;
}

}  // namespace redline
