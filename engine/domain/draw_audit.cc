#include "engine/domain/draw_audit.h"

#include <algorithm>

#include "engine/domain/draw.h"
#include "engine/domain/state.h"
#include "engine/replay.h"

namespace redline {

Result<DrawAudit> audit_draw(const EventStore& store, const std::string& inspection_id) {
  auto positions = store.stream_positions(inspection_stream(inspection_id));
  if (!positions.ok()) return positions.status();
  if (positions->empty()) {
    return Status(ErrorCode::not_found, "inspection " + inspection_id + " was never planned");
  }
  auto planned_event = store.read(positions->front());
  if (!planned_event.ok()) return planned_event.status();
  const auto* planned = std::get_if<InspectionPlanned>(&planned_event->data);
  if (planned == nullptr || !planned->draw) {
    return Status(ErrorCode::not_found, "inspection " + inspection_id + " records no draw");
  }
  DrawAudit audit;
  audit.planned_at = planned_event->position;
  const DrawRecord& draw = *planned->draw;

  if (draw.institutions) {
    // The candidates are the institutions registered before the plan, from the log itself.
    std::vector<std::string> candidates;
    Status replayed = replay(store, Position(1), [&](const Envelope& e) {
      if (e.position >= audit.planned_at) return false;
      if (const auto* registered = std::get_if<InstitutionRegistered>(&e.data)) {
        if (!planned->county || registered->county == *planned->county) {
          candidates.push_back(registered->institution_id);
        }
      }
      return true;
    });
    REDLINE_RETURN_IF_ERROR(replayed);
    audit.candidates = static_cast<std::uint32_t>(candidates.size());
    audit.recorded_institutions = planned->institutions;
    audit.redrawn_institutions =
        double_random_draw(candidates, draw.institutions->count, draw.institutions->seed);
    if (audit.candidates != draw.institutions->candidates) {
      audit.matches = false;
      audit.problem = "the plan recorded " + std::to_string(draw.institutions->candidates) +
                      " candidate institutions; the log has " + std::to_string(audit.candidates);
    } else if (audit.redrawn_institutions != audit.recorded_institutions) {
      audit.matches = false;
      audit.problem = "the recorded institutions differ from the draw";
    }
  }
  if (draw.inspectors) {
    audit.recorded_inspectors = planned->inspectors;
    audit.redrawn_inspectors =
        double_random_draw(draw.inspectors->pool, draw.inspectors->count, draw.inspectors->seed);
    if (audit.redrawn_inspectors != audit.recorded_inspectors && audit.matches) {
      audit.matches = false;
      audit.problem = "the recorded inspectors differ from the draw";
    }
  }
  return audit;
}

}  // namespace redline
