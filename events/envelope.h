// The stored event: an Event wrapped in its envelope (SPEC §2), and NewEvent, what a writer
// hands the store before a position, version, time and hash are assigned.
// Plain values; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "events/enums.h"
#include "events/event_types.h"
#include "events/strong_types.h"

namespace redline {

// SHA-256 digest. The first event's prev_hash is all zeros.
using Hash = std::array<std::uint8_t, 32>;

std::string to_hex(const Hash& hash);                    // 64 lowercase hex digits
std::optional<Hash> hash_from_hex(std::string_view hex);  // nullopt unless 64 hex digits

// Who caused an event. Rules act as {id: "rules", role: system}.
struct Actor {
  std::string id;
  Role role = Role::system;

  static Actor rules() { return {"rules", Role::system}; }
  bool operator==(const Actor&) const = default;
};

// An event as a writer proposes it; the store assigns position, version, recorded_at and the
// hash chain when it commits.
struct NewEvent {
  std::string stream;
  Event data;
  Timestamp occurred_at;
  Actor actor;
  std::optional<std::string> command_id;
  std::optional<Position> caused_by;  // rule events: the triggering event
  std::optional<std::string> rule;    // rule events: the rule id
};

// An event as stored and read back.
struct Envelope {
  Position position;
  std::string stream;
  StreamVersion version;
  std::uint32_t schema = 1;  // the schema the event was written with (may be older than now)
  Timestamp occurred_at;
  Timestamp recorded_at;
  Actor actor;
  std::optional<std::string> command_id;
  std::optional<Position> caused_by;
  std::optional<std::string> rule;
  Event data;
  Hash prev_hash{};
  Hash hash{};

  std::string_view type() const { return event_type_name(data); }
};

}  // namespace redline
