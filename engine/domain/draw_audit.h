// The audit of a double-random draw: re-derives an inspection's drawn institutions and
// inspectors from the log and the recorded seeds alone, and compares them with what the
// InspectionPlanned event recorded. Reads only; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "engine/event_store.h"

namespace redline {

struct DrawAudit {
  bool matches = true;
  Position planned_at;
  std::uint32_t candidates = 0;  // institutions registered before the plan, re-counted
  std::vector<std::string> recorded_institutions;
  std::vector<std::string> redrawn_institutions;
  std::vector<std::string> recorded_inspectors;
  std::vector<std::string> redrawn_inspectors;
  std::string problem;  // why it does not match
};

// `not_found` when the inspection was never planned or records no draw.
Result<DrawAudit> audit_draw(const EventStore& store, const std::string& inspection_id);

}  // namespace redline
