// A hazard's status as JSON with exactly the keys of SPEC §5 (`hazard_id`,
// `institution_id`, `county`, `category`, `severity`, `state`, `escalation_level`, `listed`,
// `deadline`, `overdue`, `reopen_count`, `updated_at`), and loading one hazard's state and
// trail from the store. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/domain/state.h"
#include "engine/event_store.h"

namespace redline {

nlohmann::ordered_json hazard_status_json(const std::string& hazard_id, const HazardState& state);

struct HazardTrail {
  HazardState state;
  std::vector<Envelope> events;
};

// not_found when the hazard was never reported.
Result<HazardTrail> load_hazard(const EventStore& store, const std::string& hazard_id);

}  // namespace redline
