#include "projections/hazard_history.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <future>
#include <unordered_map>
#include <vector>

#include "engine/replay.h"
#include "engine/store_layout.h"
#include "events/codec.h"
#include "projections/builtin_projections.h"
#include "projections/internal/key_order.h"

namespace redline {

namespace history {
std::string pre_image_key(Position snapshot, std::string_view hazard_id) {
  std::string key;
  pre_image_key_into(snapshot, hazard_id, &key);
  return key;
}
void pre_image_key_into(Position snapshot, std::string_view hazard_id, std::string* key) {
  key->assign(kPreImagePrefix);
  layout::append_u64_be(key, snapshot.value());
  key->append(hazard_id);
}
std::string snapshot_key(Position snapshot) {
  std::string key(kSnapshotPrefix);
  layout::append_u64_be(&key, snapshot.value());
  return key;
}

Result<std::optional<Position>> recorded_position(Result<std::optional<std::string>> stored, std::string_view what) {
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::optional<Position>();
  const auto position = layout::read_u64_be(**stored);
  if (!position) return Status(ErrorCode::corruption, "malformed hazard_status " + std::string(what) + " record");
  return std::optional<Position>(Position(*position));
}

namespace {
void append_u32_sized(std::string_view bytes, std::string* out) {
  const auto size = static_cast<std::uint32_t>(bytes.size());
  char little_endian[4];
  for (int i = 0; i < 4; ++i) little_endian[i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  out->append(little_endian, sizeof little_endian);
  out->append(bytes);
}
}  // namespace

void append_to_run(std::string_view hazard_id, std::string_view state, std::string* run) {
  append_u32_sized(hazard_id, run);
  append_u32_sized(state, run);
}

bool StateRun::take_sized(std::string_view* field) {
  if (rest_.size() < 4) return false;
  std::uint32_t size = 0;
  for (int i = 0; i < 4; ++i) size |= static_cast<std::uint32_t>(static_cast<unsigned char>(rest_[i])) << (8 * i);
  rest_.remove_prefix(4);
  if (size > rest_.size()) return false;
  *field = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return true;
}

bool StateRun::next(std::string_view* hazard_id, std::string_view* state) {
  if (rest_.empty() || malformed_) return false;
  if (!take_sized(hazard_id) || hazard_id->empty() || !take_sized(state)) {
    malformed_ = true;
    return false;
  }
  return true;
}
}  // namespace history

namespace {

constexpr std::string_view kStatePrefix = kHazardStateKeyPrefix;
using HazardMap = std::map<std::string, HazardState>;

// Where every hazard's state is read from: "h/" (its state now) or the pack (its state at
// the pack's snapshot).
enum class StateSource { current, pack };
std::string_view prefix_of(StateSource source) {
  return source == StateSource::current ? kStatePrefix : history::kPackPrefix;
}

// The states of the hazards whose keys lie in [from, to) (empty: the prefix's end). Keys
// come in order: each goes at the end, and is decoded where it lies.
Status read_states(const ProjectionStore& projections, std::string_view from, std::string_view to,
                   HazardMap* hazards) {
  Status decoded = Status::Ok();
  REDLINE_RETURN_IF_ERROR(projections.scan_range(kHazardStatus, kStatePrefix, from, to,
                                                 [&](std::string_view key, std::string_view value) {
    auto at = hazards->emplace_hint(hazards->end(), std::piecewise_construct,
                                    std::forward_as_tuple(key.substr(kStatePrefix.size())), std::forward_as_tuple());
    decoded = decode_hazard_state_into(value, &at->second);
    return decoded.ok();
  }));
  return decoded;
}

// The same from the pack's runs whose keys lie in [from, to). A run starts with the id its
// key names and goes on in id order, up to the next run's.
Status read_packed_states(const ProjectionStore& projections, std::string_view from, std::string_view to,
                          HazardMap* hazards) {
  Status decoded = Status::Ok();
  const std::size_t prefix_size = history::kPackPrefix.size();
  REDLINE_RETURN_IF_ERROR(projections.scan_range(kHazardStatus, history::kPackPrefix, from, to,
                                                 [&](std::string_view key, std::string_view value) {
    history::StateRun run(value);
    std::string_view id, state;
    bool first = true;
    while (decoded.ok() && run.next(&id, &state)) {
      if ((first && id != key.substr(prefix_size)) || (!hazards->empty() && id <= hazards->rbegin()->first)) {
        decoded = Status(ErrorCode::corruption, "hazard_status pack run " + std::string(key.substr(prefix_size)) +
                                                    " holds hazard " + std::string(id) + " out of order");
        break;
      }
      first = false;
      auto at = hazards->emplace_hint(hazards->end(), std::piecewise_construct, std::forward_as_tuple(id),
                                      std::forward_as_tuple());
      decoded = decode_hazard_state_into(state, &at->second);
    }
    if (decoded.ok() && (run.malformed() || first)) {
      decoded = Status(ErrorCode::corruption,
                       "malformed hazard_status pack run " + std::string(key.substr(prefix_size)));
    }
    return decoded.ok();
  }));
  return decoded;
}

// Run on the thread that read them, on the states of the hazards whose ids lie in
// [from, to) (to empty: no end).
using ThenOnStates = std::function<Status(HazardMap* hazards, std::string_view from, std::string_view to)>;

// Where to split a read of `source` between two threads: a key dividing its bytes about in
// half, and for the pack the first run's at or after it, so that the ids of the runs
// before it all lie before it. Empty: not split.
Result<std::string> split_key(const ProjectionStore& projections, StateSource source) {
  const std::string_view prefix = prefix_of(source);
  std::string middle = projections.middle_key(kHazardStatus, prefix, projections.settings().split_reads_from_bytes);
  if (middle.empty() || source == StateSource::current) return middle;
  std::string run;
  REDLINE_RETURN_IF_ERROR(projections.scan_range(kHazardStatus, prefix, middle, {},
                                                 [&run](std::string_view key, std::string_view) {
    run.assign(key);
    return false;
  }));
  return run;
}

// Every hazard's state in `source`: the two halves of the keys on two threads, each going
// on with `then` for its half.
Status read_all(const ProjectionStore& projections, StateSource source, HazardBoard* board,
                const ThenOnStates& then = {}) {
  const std::string_view prefix = prefix_of(source);
  auto middle = split_key(projections, source);
  if (!middle.ok()) return middle.status();
  auto read_half = [&](std::string_view from, std::string_view to, HazardMap* hazards) -> Status {
    REDLINE_RETURN_IF_ERROR(source == StateSource::current ? read_states(projections, from, to, hazards)
                                                           : read_packed_states(projections, from, to, hazards));
    if (!then) return Status::Ok();
    return then(hazards, from.substr(prefix.size()), to.empty() ? to : to.substr(prefix.size()));
  };
  if (middle->empty()) return read_half(prefix, {}, &board->hazards);
  HazardMap upper;
  auto reading_upper = std::async(std::launch::async, [&] { return read_half(*middle, {}, &upper); });
  const Status lower = read_half(prefix, *middle, &board->hazards);
  REDLINE_RETURN_IF_ERROR(reading_upper.get());
  REDLINE_RETURN_IF_ERROR(lower);
  // Every upper key is after every lower one: each node goes at the end, none copied.
  while (!upper.empty()) board->hazards.insert(board->hazards.end(), upper.extract(upper.begin()));
  return Status::Ok();
}

// The pack's snapshot; none when there is no pack.
Result<std::optional<Position>> packed_snapshot(const ProjectionStore& projections) {
  return history::recorded_position(projections.get(kHazardStatus, history::kPackedAtKey), "pack");
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
    auto stored = projections.get(kHazardStatus, std::string(kStatePrefix) + id);
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

// How far the merge of re-folded states into the board walks before it searches instead.
constexpr int kStepsBeforeSearch = 32;

// A hazard touched after the snapshot, and its state at the point (none: it did not exist).
struct Touched {
  std::string id;
  bool reported_after = false;  // its first event is after the snapshot: no state there
  Position first_change{0};     // its first event after the snapshot
  std::optional<HazardState> state;
};
struct Refolded {
  std::deque<Touched> hazards;  // in the order of their first event: they stay where they are
  std::vector<Touched*> in_order;  // the same by id
};

// Every hazard touched after the snapshot: its state at the snapshot, then the events after
// it that the point includes, then sorted by id. Events are matched to their hazard
// through a hash map, and only the included ones are kept.
Result<Refolded> refold_after(const ProjectionStore& projections, const ReadPoint& resolved,
                              Position start, Position head) {
  Refolded refolded;
  std::deque<Touched>& touched = refolded.hazards;
  std::unordered_map<std::string, std::size_t, internal::StringHash, std::equal_to<>> index_of;
  std::vector<std::pair<std::size_t, Envelope>> included;  // (hazard, event), in log order
  auto includes = [&resolved](const Envelope& event) {
    return resolved.kind == ReadPoint::Kind::position ? event.position <= resolved.position
                                                      : event.occurred_at <= resolved.time;
  };
  Status replayed = replay(projections.events(), start.next(), [&](const Envelope& event) {
    if (event.position > head) return false;
    if (!event.stream.starts_with(kHazardStreamPrefix)) return true;
    const std::string_view id = std::string_view(event.stream).substr(kHazardStreamPrefix.size());
    auto found = index_of.find(id);
    if (found == index_of.end()) {
      found = index_of.emplace(std::string(id), touched.size()).first;
      touched.push_back(Touched{std::string(id), event.version == StreamVersion(1), event.position, std::nullopt});
    }
    if (includes(event)) included.emplace_back(found->second, event);
    return true;
  }, [&includes](const Envelope& envelope, std::string_view) {
    // Events after the point only name a hazard touched since the snapshot.
    return envelope.stream.starts_with(kHazardStreamPrefix) && includes(envelope);
  });
  REDLINE_RETURN_IF_ERROR(replayed);
  if (start > Position(0)) {
    // The pre-images from the snapshot on, the earliest of each hazard first: its state at
    // the snapshot, as it did not change before its first event after it (a pre-image
    // after that event means the one before it is missing). Later ones of the same hazard,
    // and those of hazards reported after the snapshot, are passed over. Runs come in
    // snapshot order; a hazard has at most one pre-image per snapshot.
    Status decoded = Status::Ok();
    const std::size_t snapshot_at = history::kPreImagePrefix.size();
    auto take = [&](Position snapshot, std::string_view id, std::string_view value) {
      auto found = index_of.find(id);
      if (found == index_of.end()) {
        decoded = Status(ErrorCode::corruption, "hazard_status holds a pre-image of hazard " + std::string(id) +
                                                    ", which no event after its snapshot touches");
        return false;
      }
      Touched& hazard = touched[found->second];
      if (hazard.reported_after || hazard.state) return true;
      if (snapshot >= hazard.first_change) {
        decoded = Status(ErrorCode::corruption,
                         "hazard_status has no state of hazard " + hazard.id + " at snapshot " +
                             std::to_string(start.value()) + ": its first pre-image after it, at " +
                             std::to_string(snapshot.value()) + ", follows its change at " +
                             std::to_string(hazard.first_change.value()));
        return false;
      }
      decoded = decode_hazard_state_into(value, &hazard.state.emplace());
      return decoded.ok();
    };
    REDLINE_RETURN_IF_ERROR(projections.scan_range(
        kHazardStatus, history::kPreImagePrefix, history::pre_image_key(start, ""), {},
        [&](std::string_view key, std::string_view value) {
          const auto snapshot = layout::read_u64_be(key.substr(snapshot_at, std::min<std::size_t>(8, key.size() - snapshot_at)));
          if (!snapshot) {
            decoded = Status(ErrorCode::corruption, "malformed hazard_status pre-image key");
            return false;
          }
          history::StateRun run(value);
          std::string_view id, state;
          while (run.next(&id, &state)) {
            if (!take(Position(*snapshot), id, state)) return false;
          }
          if (run.malformed()) {
            decoded = Status(ErrorCode::corruption, "malformed hazard_status pre-images at snapshot " +
                                                        std::to_string(*snapshot));
            return false;
          }
          return true;
        }));
    REDLINE_RETURN_IF_ERROR(decoded);
    for (const Touched& hazard : touched) {
      if (!hazard.reported_after && !hazard.state) {
        return Status(ErrorCode::corruption, "hazard_status has no state of hazard " + hazard.id +
                                                 " at snapshot " + std::to_string(start.value()));
      }
    }
  }
  for (const auto& [hazard, event] : included) {
    auto& state = touched[hazard].state;
    if (!state) state.emplace();
    apply(*state, facts_of(event));
  }
  std::vector<internal::KeyedItem<Touched*>> by_id;
  by_id.reserve(touched.size());
  for (Touched& hazard : touched) by_id.push_back({{}, hazard.id, &hazard});
  internal::sort_by_key(&by_id, [](const Touched*, const Touched*) { return false; });  // ids are unique
  refolded.in_order.reserve(by_id.size());
  for (const auto& entry : by_id) refolded.in_order.push_back(entry.item);
  return refolded;
}

// The re-folded hazards whose ids lie in [from, to) (to empty: no end) into `hazards`, which
// holds the current states of those ids: each replaced, added, or removed when it did not
// exist at the point. In id order, each found by stepping forward from the previous one
// when it is close (the nodes were allocated in key order, so the steps go through nearby
// memory), by a search from the root when it is not. The states are moved out: the two
// halves of a read each take the ids of their own half.
void merge_refolded(const Refolded& refolded, std::string_view from, std::string_view to, HazardMap* hazards) {
  const auto by_id = [](const Touched* hazard, std::string_view id) { return hazard->id < id; };
  const auto first = std::lower_bound(refolded.in_order.begin(), refolded.in_order.end(), from, by_id);
  const auto last = to.empty() ? refolded.in_order.end()
                               : std::lower_bound(first, refolded.in_order.end(), to, by_id);
  auto at = hazards->begin();
  for (auto it = first; it != last; ++it) {
    Touched* hazard = *it;
    const std::string& id = hazard->id;
    for (int step = 0; step < kStepsBeforeSearch && at != hazards->end() && at->first < id; ++step) ++at;
    if (at != hazards->end() && at->first < id) at = hazards->lower_bound(id);
    const bool found = at != hazards->end() && at->first == id;
    if (hazard->state && hazard->state->exists) {
      if (found) {
        at->second = std::move(*hazard->state);
      } else {
        at = hazards->emplace_hint(at, id, std::move(*hazard->state));
      }
    } else if (found) {
      at = hazards->erase(at);
    }
  }
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
    REDLINE_RETURN_IF_ERROR(read_all(projections, StateSource::current, &board));
    return board;
  }
  if (resolved.kind == ReadPoint::Kind::position) board.position = resolved.position;
  const Position until = resolved.kind == ReadPoint::Kind::position ? resolved.position : head;
  auto start = starting_snapshot(projections, resolved, until);
  if (!start.ok()) return start.status();
  auto packed = packed_snapshot(projections);
  if (!packed.ok()) return packed.status();
  const StateSource source = *packed && **packed >= *start ? StateSource::pack : StateSource::current;

  // The hazards touched after the snapshot are re-folded on a thread of their own while
  // every hazard's state is read (all only read the store); each half of those then takes
  // in the re-folded states of its ids, on its own thread.
  std::shared_future<Result<Refolded>> refolding =
      std::async(std::launch::async, [&] { return refold_after(projections, resolved, *start, head); }).share();
  const Status read = read_all(projections, source, &board, [&](HazardMap* hazards, std::string_view from,
                                                           std::string_view to) -> Status {
    const Result<Refolded>& refolded = refolding.get();
    if (!refolded.ok()) return refolded.status();
    merge_refolded(*refolded, from, to, hazards);
    return Status::Ok();
  });
  const Result<Refolded>& refolded = refolding.get();  // waited for even when the read failed
  REDLINE_RETURN_IF_ERROR(read);
  if (!refolded.ok()) return refolded.status();
  return board;
}

}  // namespace redline
