#include "engine/domain/hazard_status.h"

#include "events/time.h"

namespace redline {

nlohmann::ordered_json hazard_status_json(const std::string& hazard_id, const HazardState& s) {
  nlohmann::ordered_json j;
  j["hazard_id"] = hazard_id;
  j["institution_id"] = s.institution_id;
  j["county"] = s.county;
  j["category"] = std::string(to_string(s.category));
  j["severity"] = s.severity ? nlohmann::ordered_json(std::string(to_string(*s.severity))) : nullptr;
  j["state"] = std::string(to_string(s.phase));
  j["escalation_level"] = std::string(to_string(s.escalation));
  j["listed"] = s.listed ? nlohmann::ordered_json(std::string(to_string(*s.listed))) : nullptr;
  const auto deadline = s.active_deadline();
  j["deadline"] = deadline ? nlohmann::ordered_json(format_instant(*deadline)) : nullptr;
  j["overdue"] = s.overdue;
  j["reopen_count"] = s.reopen_count;
  j["updated_at"] = format_instant(s.updated_at);
  return j;
}

Result<HazardTrail> load_hazard(const EventStore& store, const std::string& hazard_id) {
  auto positions = store.stream_positions(hazard_stream(hazard_id));
  if (!positions.ok()) return positions.status();
  if (positions->empty()) {
    return Status(ErrorCode::not_found, "hazard " + hazard_id + " was never reported");
  }
  HazardTrail trail;
  for (Position position : *positions) {
    auto envelope = store.read(position);
    if (!envelope.ok()) return envelope.status();
    apply(trail.state, facts_of(*envelope));
    trail.events.push_back(std::move(envelope).value());
  }
  return trail;
}

}  // namespace redline
