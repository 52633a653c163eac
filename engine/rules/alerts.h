// Alerts (SPEC §2, §6): the events supervisors subscribe to, rendered as the JSON of
// SPEC §6 — position, type, county, institution_id, hazard_id, level, occurred_at, a human
// sentence in message, and the event's data. Alerts never carry a public reporter's
// contact (no alert type has one). AlertRenderer looks up what the event itself does not
// say (a hazard's institution, county and escalation level at that position; a unit's or
// institution's county) in the store and remembers it. Not thread-safe: one per reader.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <unordered_map>

#include "engine/domain/state.h"
#include "engine/event_store.h"

namespace redline {

// HazardListed, DeadlineMissed, HazardEscalated, AccountabilityRaised, ReferredToGovernment,
// VerificationOverdue, SystemicHazardIdentified, ObligationMissed (by type name, without
// decoding an event's data: is_alert_type of events/event_types.h).
bool is_alert(const Event& event);

class AlertRenderer {
 public:
  explicit AlertRenderer(const EventStore& store) : store_(store) {}

  // The alert JSON of an alert event (is_alert must hold).
  Result<nlohmann::ordered_json> render(const Envelope& event);

 private:
  struct HazardAt {
    Position position;  // folded up to and including this position
    HazardState state;
  };
  Result<const HazardState*> hazard_at(const std::string& hazard_id, Position position);
  Result<std::string> county_of(const std::string& stream);

  const EventStore& store_;
  std::unordered_map<std::string, HazardAt> hazards_;
  std::unordered_map<std::string, std::string> counties_;  // unit/institution stream → county
};

}  // namespace redline
